package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.Iterator;

/**
 * One epoch of mini-batch logistic regression on one partition: per batch, pull the weights of the
 * keys the batch touches, compute the summed log-loss gradient, push it (the servers apply the
 * optimizer), clock. Clock b is batch b, so a resumed worker skips the batches it completed. Each
 * batch's training loss goes to a small sum table with the batch's clock ({@link EpochLoss}), so
 * it counts once however often the batch is replayed. Rows are checked first ({@link
 * ExampleChecks#read}).
 */
final class LrEpochFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  private final SparseTableHandle weights;
  private final DenseTableHandle losses;
  private final LrSettings settings;
  private final int epoch;

  LrEpochFunction(SparseTableHandle weights, DenseTableHandle losses, LrSettings settings, int epoch) {
    this.weights = weights;
    this.losses = losses;
    this.settings = settings;
    this.epoch = epoch;
  }

  @Override
  public void train(WorkerContext worker, Iterator<SparseExample> rows) {
    SparseExample[] data = ExampleChecks.read(rows, worker.id());
    int batch = settings.batchSize();
    int batches = (data.length + batch - 1) / batch;
    for (long b = worker.currentClock(); b < batches; b++) {
      int from = (int) (b * batch);
      LocalBatch mb = LocalBatch.of(data, from, Math.min(data.length, from + batch));
      float[] w = weights.pull(mb.keys);
      float[] grad = new float[w.length];
      double loss = LogisticMath.accumulate(mb, w, grad);
      mb.regularise(w, grad, settings.l1(), settings.l2());
      worker.pushAsync(weights, mb.keys, grad);
      EpochLoss.push(worker, losses, epoch, loss, mb.totalWeight());
      worker.clock();
    }
  }
}
