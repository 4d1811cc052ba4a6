package io.sparkps.ml.classification;

import java.io.Serializable;

/**
 * How one epoch's training went, besides its losses: {@code seconds} of training (held-out scoring
 * not included), {@code rows} trained (the tasks' {@code spark-ps rows trained} accumulator),
 * {@code maxStaleness} the largest gap in clocks between the fastest and the slowest worker seen
 * at any clock report (what SSP bounds), and {@code blockedSeconds} the time the workers spent
 * blocked at clocks waiting for slower ones, summed over workers (the scheduler's count). NaN or
 * -1 where not measured (summaries loaded from disk). Immutable.
 */
public record EpochStats(double seconds, long rows, long maxStaleness, double blockedSeconds)
    implements Serializable {

  /** An epoch whose figures were not measured. */
  public static EpochStats unmeasured() {
    return new EpochStats(Double.NaN, -1, -1, Double.NaN);
  }

  /** Rows trained per second of the epoch's training; NaN when not measured. */
  public double rowsPerSecond() {
    return rows < 0 || !(seconds > 0) ? Double.NaN : rows / seconds;
  }
}
