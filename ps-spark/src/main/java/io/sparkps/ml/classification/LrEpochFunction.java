package io.sparkps.ml.classification;

import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;

/**
 * One epoch of mini-batch logistic regression on one partition ({@link MiniBatchEpochFunction}):
 * a batch's gradient is the summed log-loss gradient of its rows at the pulled weights, plus the
 * settings' L1/L2 on the coordinates it touches. Immutable.
 */
final class LrEpochFunction extends MiniBatchEpochFunction {

  private static final long serialVersionUID = 1L;

  private final LrSettings settings;

  LrEpochFunction(SparseTableHandle weights, DenseTableHandle losses, LrSettings settings, int epoch, String fitId,
      EpochTimes times) {
    super(weights, losses, settings.batchSize(), epoch, fitId, times);
    this.settings = settings;
  }

  @Override
  double gradient(LocalBatch mb, float[] w, float[] grad) {
    double loss = LogisticMath.accumulate(mb, w, grad);
    mb.regularise(w, grad, settings.l1(), settings.l2());
    return loss;
  }
}
