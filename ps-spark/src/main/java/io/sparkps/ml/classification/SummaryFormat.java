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
}
