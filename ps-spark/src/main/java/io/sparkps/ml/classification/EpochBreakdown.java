package io.sparkps.ml.classification;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where one epoch's wall time went, in seconds. The task phases are means over the training
 * tasks (each task runs in parallel with the others, so they add up to one task's time, not to
 * the machine's): {@code prepare} reading, checking and batching rows, {@code compute} the math,
 * {@code pullWait} waiting for pulls, {@code pushWait} waiting for the acknowledgements of pushes,
 * {@code clockWait} waiting at clocks (the consistency model's gate). {@code scheduling} is the rest
 * of the epoch's training time: Spark jobs and stages, task start-up, result collection.
 * {@code scoring} is the held-out scoring after the epoch (0 without held-out rows). Immutable.
 */
public record EpochBreakdown(double prepare, double compute, double pullWait, double pushWait, double clockWait,
    double scheduling, double scoring) implements Serializable {

  /** The phases' names, in {@link #values()} order (CSV headers, plot series). */
  public static final String[] PHASES = {"prepare", "compute", "pull_wait", "push_wait", "clock_wait",
      "scheduling", "scoring"};

  /** A breakdown of an epoch whose phases were not measured (all NaN). */
  public static EpochBreakdown unmeasured() {
    return new EpochBreakdown(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /**
   * From the tasks' summed phases and the driver's figures: {@code trainSeconds} is the epoch's
   * wall time without scoring, so scheduling is what the tasks' mean time does not cover.
   */
  static EpochBreakdown of(EpochTimes times, double trainSeconds, double scoringSeconds) {
    long[] v = times.value();
    double prepare = times.meanSeconds(v, EpochTimes.Phase.PREPARE);
    double compute = times.meanSeconds(v, EpochTimes.Phase.COMPUTE);
    double pull = times.meanSeconds(v, EpochTimes.Phase.PULL);
    double push = times.meanSeconds(v, EpochTimes.Phase.PUSH);
    double clock = times.meanSeconds(v, EpochTimes.Phase.CLOCK);
    double scheduling = Math.max(0, trainSeconds - (prepare + compute + pull + push + clock));
    return new EpochBreakdown(prepare, compute, pull, push, clock, scheduling, scoringSeconds);
  }

  /** The figures in {@link #PHASES} order. */
  public double[] values() {
    return new double[] {prepare, compute, pullWait, pushWait, clockWait, scheduling, scoring};
  }

  /** The sum of every phase: the epoch's wall time, scoring included. */
  public double total() {
    double t = 0;
    for (double x : values()) {
      t += x;
    }
    return t;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "EpochBreakdown(prepare=%.3f, compute=%.3f, pullWait=%.3f, pushWait=%.3f, "
        + "clockWait=%.3f, scheduling=%.3f, scoring=%.3f)", prepare, compute, pullWait, pushWait, clockWait,
        scheduling, scoring);
  }
}
