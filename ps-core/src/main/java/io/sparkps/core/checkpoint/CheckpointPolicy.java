package io.sparkps.core.checkpoint;

import static io.sparkps.core.check.Checks.requireArgument;

/**
 * Where and how often the scheduler takes checkpoints: under {@code dir}, every
 * {@code everyClocks} clocks of a training run and when a run finishes ({@code 0}: on demand only),
 * keeping the newest {@code keep} complete checkpoints. Immutable.
 */
public record CheckpointPolicy(String dir, long everyClocks, int keep) {

  public static final int DEFAULT_KEEP = 2;

  public CheckpointPolicy {
    requireArgument(dir != null && !dir.isBlank(), "checkpoint dir must not be blank: dir=%s", dir);
    requireArgument(everyClocks >= 0, "checkpoint interval must be >= 0 clocks (0 = on demand only): "
        + "everyClocks=%s", everyClocks);
    requireArgument(keep >= 1, "at least one checkpoint must be kept: keep=%s", keep);
  }

  /** Checkpoints only when asked for. */
  public static CheckpointPolicy onDemand(String dir) {
    return new CheckpointPolicy(dir, 0, DEFAULT_KEEP);
  }

  public boolean automatic() {
    return everyClocks > 0;
  }
}
