package io.sparkps.ml.classification;

import java.util.Locale;

/** How the training summaries print their per-epoch figures. Stateless. */
final class SummaryFormat {

  private SummaryFormat() {}

  /** {@code [0.6512, 0.6101]}: each value with {@code decimals} decimals, NaN as NaN. */
  static String values(double[] a, int decimals) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < a.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(Double.isNaN(a[i]) ? "NaN" : String.format(Locale.ROOT, "%." + decimals + "f", a[i]));
    }
    return b.append(']').toString();
  }

  /** Whether any value was measured (is not NaN). */
  static boolean anyMeasured(double[] a) {
    for (double v : a) {
      if (!Double.isNaN(v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The summaries' {@code report()}: a few lines for people (epochs and time, final losses, the
   * last epoch's rate, staleness and blocked time, and where its time went); unmeasured figures
   * are left out.
   */
  static String report(String what, double[] loss, double[] heldOutLoss, double[] heldOutAuc, double trainSeconds,
      double scoringSeconds, EpochStats last, EpochBreakdown lastBreakdown) {
    int n = loss.length;
    StringBuilder b = new StringBuilder(what).append(": ").append(n).append(n == 1 ? " epoch" : " epochs");
    if (!Double.isNaN(trainSeconds)) {
      b.append(String.format(Locale.ROOT, " in %.2f s of training", trainSeconds));
      if (scoringSeconds > 0) {
        b.append(String.format(Locale.ROOT, " (+ %.2f s scoring held-out rows)", scoringSeconds));
      }
    }
    if (n == 0) {
      return b.toString();
    }
    b.append(String.format(Locale.ROOT, "%nfinal training logloss %.4f", loss[n - 1]));
    if (!Double.isNaN(heldOutLoss[n - 1])) {
      b.append(String.format(Locale.ROOT, ", held-out logloss %.4f, AUC %.4f", heldOutLoss[n - 1], heldOutAuc[n - 1]));
    }
    if (!Double.isNaN(last.seconds())) {
      b.append(String.format(Locale.ROOT, "%nlast epoch: %.2f s, %.0f rows/s, max staleness %d, blocked at clocks %.2f s",
          last.seconds(), last.rowsPerSecond(), last.maxStaleness(), last.blockedSeconds()));
    }
    if (!Double.isNaN(lastBreakdown.compute())) {
      b.append(String.format(Locale.ROOT, "%nlast epoch's time: compute %.2f s, pull wait %.2f, push wait %.2f, "
          + "clock wait %.2f, prepare %.2f, scheduling %.2f, scoring %.2f", lastBreakdown.compute(),
          lastBreakdown.pullWait(), lastBreakdown.pushWait(), lastBreakdown.clockWait(), lastBreakdown.prepare(),
          lastBreakdown.scheduling(), lastBreakdown.scoring()));
    }
    return b.toString();
  }

  static double sum(double[] a) {
    double t = 0;
    for (double v : a) {
      t += Double.isNaN(v) ? 0 : v;
    }
    return t;
  }
}
