package io.sparkps.core.clock;

import java.util.Arrays;
import java.util.List;

/**
 * A snapshot of one run's progress: each worker's clock, how long each spent blocked in
 * {@code clock()} and how many clocks it reported, and the skew (fastest minus slowest clock)
 * sampled at every clock report. Immutable.
 */
public record RunStats(String run, RunClock.State state, Consistency consistency, long[] clocks,
    long[] blockedNanos, long[] clockCalls, List<SkewSample> skew, String failure) {

  /** At {@code nanos} (scheduler ticker time) the slowest worker was at {@code min}, the fastest at {@code max}. */
  public record SkewSample(long nanos, long min, long max) {
    public long skew() {
      return max - min;
    }
  }

  public RunStats {
    clocks = clocks.clone();
    blockedNanos = blockedNanos.clone();
    clockCalls = clockCalls.clone();
    skew = List.copyOf(skew);
  }

  public long minClock() {
    long m = Long.MAX_VALUE;
    for (long c : clocks) {
      m = Math.min(m, c);
    }
    return m;
  }

  public long maxSkew() {
    return skew.stream().mapToLong(SkewSample::skew).max().orElse(0);
  }

  /**
   * The arrays as values and the skew samples summarised (there may be thousands):
   * {@code RunStats[run=lr, state=FINISHED, consistency=SSP(2), clocks=[20, 20], ..., skew=40 samples, max 2]}.
   */
  @Override
  public String toString() {
    return "RunStats[run=" + run + ", state=" + state + ", consistency=" + consistency + ", clocks="
        + Arrays.toString(clocks) + ", blockedNanos=" + Arrays.toString(blockedNanos) + ", clockCalls="
        + Arrays.toString(clockCalls) + ", skew=" + skew.size() + " samples, max " + maxSkew()
        + (failure == null ? "" : ", failure=" + failure) + "]";
  }

  /**
   * One line for people, without arrays:
   * {@code lr: FINISHED, SSP(2), 2 workers at clock 20..20, 40 clock calls, 0.31 s blocked in clock(), max skew 2}.
   */
  public String summary() {
    long max = 0;
    long calls = 0;
    long blocked = 0;
    for (int i = 0; i < clocks.length; i++) {
      max = Math.max(max, clocks[i]);
      calls += clockCalls[i];
      blocked += blockedNanos[i];
    }
    return run + ": " + state + ", " + consistency + ", " + clocks.length + " workers at clock "
        + (clocks.length == 0 ? 0 : minClock()) + ".." + max + ", " + calls + " clock calls, "
        + String.format(java.util.Locale.ROOT, "%.2f", blocked / 1e9) + " s blocked in clock(), max skew "
        + maxSkew() + (failure == null ? "" : ", failure: " + failure);
  }

  @Override
  public long[] clocks() {
    return clocks.clone();
  }

  @Override
  public long[] blockedNanos() {
    return blockedNanos.clone();
  }

  @Override
  public long[] clockCalls() {
    return clockCalls.clone();
  }
}
