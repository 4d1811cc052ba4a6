package io.sparkps.spark;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.scheduler.PsScheduler;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where an application's checkpoints go, from spark.ps.checkpoint.* or the SparkContext's checkpoint dir. */
final class Checkpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  static final long DEFAULT_INTERVAL = 50;

  private Checkpoints() {}

  /** The policy from the configuration, if a directory is known. */
  static Optional<CheckpointPolicy> policy(SparkContext sc) {
    SparkConf conf = sc.getConf();
    String dir = conf.get(PsSparkConf.CHECKPOINT_DIR, null);
    if (dir == null && sc.getCheckpointDir().isDefined()) {
      dir = sc.getCheckpointDir().get() + "/spark-ps";
    }
    if (dir == null) {
      return Optional.empty();
    }
    return Optional.of(new CheckpointPolicy(dir, conf.getLong(PsSparkConf.CHECKPOINT_INTERVAL, DEFAULT_INTERVAL),
        conf.getInt(PsSparkConf.CHECKPOINT_KEEP, CheckpointPolicy.DEFAULT_KEEP)));
  }

  /** Configures the scheduler's checkpoints, or says once why there are none. */
  static void configure(SparkContext sc, PsScheduler scheduler) {
    Optional<CheckpointPolicy> policy = policy(sc);
    if (policy.isPresent()) {
      scheduler.configureCheckpoints(policy.get());
    } else {
      LOG.info("spark-ps checkpoints are off: set {} or SparkContext.setCheckpointDir to have a lost executor's "
          + "shards restored (without a checkpoint they restart empty and training replays its current run)",
          PsSparkConf.CHECKPOINT_DIR);
    }
  }

  /** As {@link #configure}, unless the scheduler already has a policy (a dir set after start counts). */
  static void ensureConfigured(SparkContext sc, PsScheduler scheduler) {
    if (scheduler.checkpointPolicy().isEmpty()) {
      policy(sc).ifPresent(scheduler::configureCheckpoints);
    }
  }
}
