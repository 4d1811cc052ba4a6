package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.Iterator;

/**
 * One epoch of mini-batch factorization-machine training on one partition, shaped like
 * {@link LrEpochFunction}: per batch, pull the factor rows of the keys it touches, compute the
 * summed log-loss gradient ({@link FmMath}), push it (the servers apply the optimizer), clock.
 * Clock b is batch b, so a resumed worker skips the batches it completed. Each batch's training
 * loss goes to a small sum table with the batch's clock ({@link EpochLoss}), so it counts once.
 * Rows are checked first ({@link ExampleChecks#read}).
 */
final class FmEpochFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  private final SparseTableHandle factors;
  private final DenseTableHandle losses;
  private final FmSettings settings;
  private final int epoch;

  FmEpochFunction(SparseTableHandle factors, DenseTableHandle losses, FmSettings settings, int epoch) {
    this.factors = factors;
    this.losses = losses;
    this.settings = settings;
    this.epoch = epoch;
  }

  @Override
  public void train(WorkerContext worker, Iterator<SparseExample> rows) {
    SparseExample[] data = ExampleChecks.read(rows, worker.id());
    int batch = settings.batchSize();
    int batches = (data.length + batch - 1) / batch;
    int dim = settings.dim();
    for (long b = worker.currentClock(); b < batches; b++) {
      int from = (int) (b * batch);
      LocalBatch mb = LocalBatch.of(data, from, Math.min(data.length, from + batch));
      float[] v = factors.pull(mb.keys);
      float[] grad = new float[v.length];
      double loss = FmMath.accumulate(mb, v, dim, grad, settings.l2());
      worker.pushAsync(factors, mb.keys, grad);
      EpochLoss.push(worker, losses, epoch, loss, mb.totalWeight());
      worker.clock();
    }
  }
}
