package io.sparkps.ml.classification;

/** The per-row math of logistic regression on a {@link LocalBatch}, in plain loops. Stateless. */
final class LogisticMath {

  private LogisticMath() {}

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** Margin of one row: bias + sum of weight x value over its features. */
  static double margin(float[] w, int bias, int[] slots, float[] values) {
    double z = w[bias];
    for (int i = 0; i < slots.length; i++) {
      z += w[slots[i]] * values[i];
    }
    return z;
  }

  /**
   * Adds the summed (instance-weighted) gradient of the batch's log-loss into {@code grad}
   * (indexed like the batch's keys) and returns the summed weighted loss.
   */
  static double accumulate(LocalBatch mb, float[] w, float[] grad) {
    int bias = LocalBatch.biasSlot();
    double loss = 0;
    for (int r = 0; r < mb.size(); r++) {
      double z = margin(w, bias, mb.slots[r], mb.values[r]);
      double y = mb.labels[r];
      double weight = mb.weights[r];
      // One exp per row for both the loss and the probability (the same figures as logSigmoid and sigmoid).
      double e = Math.exp(-Math.abs(z));
      double l1p = Math.log1p(e);
      boolean positive = y > 0.5;
      loss += weight * (z >= 0 ? (positive ? l1p : z + l1p) : (positive ? -z + l1p : l1p));
      double p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      float g = (float) (weight * (p - y));
      grad[bias] += g;
      int[] slots = mb.slots[r];
      float[] values = mb.values[r];
      for (int i = 0; i < slots.length; i++) {
        grad[slots[i]] += g * values[i];
      }
    }
    return loss;
  }

  /** log(sigmoid(z)) without overflow. */
  static double logSigmoid(double z) {
    return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
  }
}
