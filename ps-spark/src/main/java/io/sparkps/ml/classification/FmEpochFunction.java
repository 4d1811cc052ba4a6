package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One epoch of mini-batch factorization-machine training on one partition, shaped like
 * {@link LrEpochFunction}: per batch, pull the factor rows of the keys it touches, compute the
 * summed log-loss gradient ({@link FmMath}), push it (the servers apply the optimizer), clock.
 * Clock b is batch b, so a resumed worker skips the batches it completed. The epoch's training
 * loss goes to a small sum table through the worker, so it counts once.
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
    List<SparseExample> list = new ArrayList<>();
    rows.forEachRemaining(list::add);
    SparseExample[] data = list.toArray(new SparseExample[0]);
    int batch = settings.batchSize();
    int batches = (data.length + batch - 1) / batch;
    int dim = settings.dim();
    double lossSum = 0;
    double lossCount = 0;
    for (long b = worker.currentClock(); b < batches; b++) {
      int from = (int) (b * batch);
      LocalBatch mb = LocalBatch.of(data, from, Math.min(data.length, from + batch));
      float[] v = factors.pull(mb.keys);
      float[] grad = new float[v.length];
      lossSum += FmMath.accumulate(mb, v, dim, grad, settings.l2());
      lossCount += mb.totalWeight();
      worker.pushAsync(factors, mb.keys, grad);
      worker.clock();
    }
    // Rows of a resumed worker cover only the batches it redid: the loss is then a partial sum.
    worker.push(losses, new long[] {epoch}, new float[] {(float) lossSum, (float) lossCount});
  }
}
