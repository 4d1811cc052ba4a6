package io.sparkps.ml.classification;

import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;

/**
 * One epoch of mini-batch factorization-machine training on one partition ({@link
 * MiniBatchEpochFunction}): the pulled rows are the factor rows of the keys a batch touches, and
 * its gradient is the summed log-loss gradient with per-example L2 ({@link FmMath}). Immutable.
 */
final class FmEpochFunction extends MiniBatchEpochFunction {

  private static final long serialVersionUID = 1L;

  private final FmSettings settings;

  FmEpochFunction(SparseTableHandle factors, DenseTableHandle losses, FmSettings settings, int epoch, String fitId,
      EpochTimes times) {
    super(factors, losses, settings.batchSize(), epoch, fitId, times);
    this.settings = settings;
  }

  @Override
  double gradient(LocalBatch mb, float[] v, float[] grad) {
    return FmMath.accumulate(mb, v, settings.dim(), grad, settings.l2());
  }
}
