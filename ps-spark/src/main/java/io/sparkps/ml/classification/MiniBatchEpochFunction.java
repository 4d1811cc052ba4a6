package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.Iterator;

/**
 * One epoch of mini-batch training on one partition, for a model kept in a sparse table keyed by
 * feature: per batch, pull the rows of the keys the batch touches, compute the summed gradient
 * ({@link #gradient}, the model's part), push it (the servers apply the optimizer), clock. Clock b
 * is batch b, so a resumed worker skips the batches it completed. Each batch's training loss goes
 * to a small sum table with the batch's clock ({@link EpochLoss}), so it counts once however often
 * the batch is replayed. Rows are checked first ({@link ExampleChecks#read}). Immutable; shipped
 * to the workers, one call per partition.
 */
abstract class MiniBatchEpochFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  private final SparseTableHandle table;
  private final DenseTableHandle losses;
  private final int batchSize;
  private final int epoch;

  MiniBatchEpochFunction(SparseTableHandle table, DenseTableHandle losses, int batchSize, int epoch) {
    this.table = table;
    this.losses = losses;
    this.batchSize = batchSize;
    this.epoch = epoch;
  }

  /**
   * Adds the batch's summed gradient (regularisation included) at the {@code pulled} rows to
   * {@code grad}, zeroed and of the same shape, and returns the batch's summed training loss.
   */
  abstract double gradient(LocalBatch mb, float[] pulled, float[] grad);

  @Override
  public final void train(WorkerContext worker, Iterator<SparseExample> rows) {
    SparseExample[] data = ExampleChecks.read(rows, worker.id());
    int batches = (data.length + batchSize - 1) / batchSize;
    for (long b = worker.currentClock(); b < batches; b++) {
      int from = (int) (b * batchSize);
      LocalBatch mb = LocalBatch.of(data, from, Math.min(data.length, from + batchSize));
      float[] pulled = table.pull(mb.keys);
      float[] grad = new float[pulled.length];
      double loss = gradient(mb, pulled, grad);
      worker.pushAsync(table, mb.keys, grad);
      EpochLoss.push(worker, losses, epoch, loss, mb.totalWeight());
      worker.clock();
    }
  }
}
