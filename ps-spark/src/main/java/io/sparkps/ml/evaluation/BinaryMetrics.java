package io.sparkps.ml.evaluation;

import java.util.Arrays;

/**
 * Held-out logloss and exact ROC AUC for binary labels (0/1). Stateless.
 */
public final class BinaryMetrics {

  private static final double EPS = 1e-15;

  private BinaryMetrics() {}

  /** Mean negative log-likelihood; probabilities are clipped to [1e-15, 1 - 1e-15]. */
  public static double logLoss(double[] p, double[] y) {
    checkLengths(p, y);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double q = Math.min(1 - EPS, Math.max(EPS, p[i]));
      sum -= y[i] > 0.5 ? Math.log(q) : Math.log(1 - q);
    }
    return p.length == 0 ? Double.NaN : sum / p.length;
  }

  /** Area under the ROC curve by ranks (ties get their average rank); O(n log n). */
  public static double auc(double[] score, double[] y) {
    checkLengths(score, y);
    int n = score.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) {
        j++;
      }
      double avgRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (y[idx[k]] > 0.5) {
          rankSumPos += avgRank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  private static void checkLengths(double[] a, double[] y) {
    if (a.length != y.length) {
      throw new IllegalArgumentException("lengths differ: predictions=" + a.length + ", labels=" + y.length);
    }
  }
}
