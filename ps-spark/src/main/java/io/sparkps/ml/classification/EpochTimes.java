package io.sparkps.ml.classification;

import io.sparkps.core.config.Ticker;
import java.util.Arrays;
import org.apache.spark.util.AccumulatorV2;

/**
 * Where one epoch's task time went, summed over the training tasks in nanoseconds per {@link
 * Phase}, plus how many tasks reported: each task times its own phases ({@link Timer}) and adds
 * them once, when it is done, so Spark merges only the tasks that succeeded (a failed attempt's
 * time shows as driver-side overhead instead). Tasks add to their copy; the driver reads the merge.
 * Not thread-safe (one task each).
 */
final class EpochTimes extends AccumulatorV2<long[], long[]> {

  private static final long serialVersionUID = 1L;

  /** What a training task spends its time on. */
  enum Phase {
    /** Reading, checking and batching the partition's rows (once per fit when the batches stay cached). */
    PREPARE,
    /** The model's math: margins, gradients, local updates. */
    COMPUTE,
    /** Blocked on a pull's answer. */
    PULL,
    /** Blocked on the acknowledgements of the clock's pushes. */
    PUSH,
    /** Blocked in clock() (the consistency model's gate) once the pushes are acknowledged. */
    CLOCK
  }

  private static final int PHASES = Phase.values().length;
  private static final Ticker TICKER = Ticker.systemTicker();

  /** Nanoseconds per phase, then the number of tasks that reported. */
  private long[] sums = new long[PHASES + 1];

  /** Times one task's phases: {@link #lap} charges the time since the previous lap to a phase. */
  static final class Timer {
    private final long[] nanos = new long[PHASES];
    private long last = TICKER.read();

    void lap(Phase phase) {
      long now = TICKER.read();
      nanos[phase.ordinal()] += now - last;
      last = now;
    }

    /** Adds this task's phases to {@code times} (counts as one task); nothing when it is null. */
    void report(EpochTimes times) {
      if (times == null) {
        return;
      }
      long[] v = Arrays.copyOf(nanos, PHASES + 1);
      v[PHASES] = 1;
      times.add(v);
    }
  }

  /** Mean seconds per reporting task spent in {@code phase}; 0 when no task reported. */
  double meanSeconds(long[] value, Phase phase) {
    return value[PHASES] == 0 ? 0 : value[phase.ordinal()] / 1e9 / value[PHASES];
  }

  @Override
  public boolean isZero() {
    for (long s : sums) {
      if (s != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public EpochTimes copy() {
    EpochTimes c = new EpochTimes();
    c.sums = sums.clone();
    return c;
  }

  @Override
  public void reset() {
    Arrays.fill(sums, 0);
  }

  @Override
  public void add(long[] v) {
    for (int i = 0; i < sums.length; i++) {
      sums[i] += v[i];
    }
  }

  @Override
  public void merge(AccumulatorV2<long[], long[]> other) {
    add(((EpochTimes) other).sums);
  }

  @Override
  public long[] value() {
    return sums.clone();
  }
}
