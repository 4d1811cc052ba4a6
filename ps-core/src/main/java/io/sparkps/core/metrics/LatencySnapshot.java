package io.sparkps.core.metrics;

import static io.sparkps.core.check.Checks.requireArgument;

/**
 * The buckets of a {@link LatencyHistogram} at one moment, with percentiles read from them.
 * Immutable.
 *
 * @param counts values per bucket (see {@link LatencyHistogram} for the bounds)
 * @param count values recorded
 * @param sum their total, in nanoseconds
 * @param max the largest, in nanoseconds (0 when empty)
 */
public record LatencySnapshot(long[] counts, long count, long sum, long max) {

  public LatencySnapshot {
    counts = counts.clone();
  }

  @Override
  public long[] counts() {
    return counts.clone();
  }

  /**
   * The value at quantile {@code q} (0.5 for the median, 0.99 for p99): the upper bound of the bucket
   * holding the ceil(q x count)-th smallest value, capped at {@link #max()}; 0 when empty. At most
   * 25% above the true value, and exact for a value equal to its bucket's upper bound.
   */
  public long percentile(double q) {
    requireArgument(q >= 0 && q <= 1, "quantile must be in [0, 1]: q=%s", q);
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(LatencyHistogram.upperBound(i), max);
      }
    }
    return max;  // a record landed between reading the buckets and the count
  }

  /** The mean in nanoseconds, 0 when empty. */
  public double mean() {
    return count == 0 ? 0 : (double) sum / count;
  }

  @Override
  public String toString() {
    return "LatencySnapshot[count=" + count + ", p50=" + percentile(0.5) + " ns, p99=" + percentile(0.99)
        + " ns, max=" + max + " ns]";
  }
}
