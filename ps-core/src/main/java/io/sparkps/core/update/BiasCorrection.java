package io.sparkps.core.update;

import java.util.Arrays;

/**
 * Adam's bias correction {@code 1 - beta^t} for a step count {@code t >= 1}, from a table instead of
 * {@code Math.pow} per row and push: two {@code pow} calls per row cost about 50 ns, as much as
 * the rest of an Adam update of a one-float row (measured: 15% of the CPU of a local-mode Adam fit
 * went to {@code pow}). The table holds exactly {@code 1.0 - Math.pow(beta, t)}, so results are
 * bit-for-bit those of the formula. It ends where the value reaches 1.0 (then {@code beta^t} is
 * below half an ulp of 1, and stays so for every larger t) or at {@link #MAX_TABLE} entries, past
 * which {@code pow} is called as before. Built on first use, since updaters are also made only to
 * size rows. Thread-safe: a racing first use builds the same table twice.
 */
final class BiasCorrection {

  /** At most 512 KB per correction; beta = 0.999 (Adam's usual beta2) saturates after 37,400 steps. */
  static final int MAX_TABLE = 1 << 16;

  private final double beta;
  /** Null until first used. */
  private volatile Table table;

  /** Entry t - 1 is the correction at step t; from step {@code saturatedFrom} on it is exactly 1.0. */
  private record Table(double[] values, int saturatedFrom) {}

  BiasCorrection(double beta) {
    this.beta = beta;
  }

  /** {@code 1 - beta^t}, {@code t} a whole number >= 1 (a float, as Adam keeps its step count). */
  double at(float t) {
    Table tab = table;
    if (tab == null) {
      tab = build();
      table = tab;
    }
    int step = (int) t;
    if (step <= tab.values.length) {
      return tab.values[step - 1];
    }
    return step >= tab.saturatedFrom ? 1.0 : 1.0 - Math.pow(beta, t);
  }

  private Table build() {
    double[] values = new double[MAX_TABLE];
    for (int n = 0; n < MAX_TABLE; n++) {
      values[n] = 1.0 - Math.pow(beta, n + 1);
      if (values[n] == 1.0) {
        return new Table(Arrays.copyOf(values, n + 1), n + 1);
      }
    }
    return new Table(values, Integer.MAX_VALUE);
  }
}
