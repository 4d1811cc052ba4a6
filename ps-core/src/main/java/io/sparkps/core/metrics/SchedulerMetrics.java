package io.sparkps.core.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Events the scheduler counts as they happen: servers lost, checkpoints taken and failed (with the
 * last one's duration and wall time), recoveries of lost shards (with their durations). What can be
 * read off the scheduler's state at any time (servers alive, tables, runs) is not kept here.
 * Durations are ticker nanoseconds. Thread-safe and lock-free.
 */
public final class SchedulerMetrics {

  private final LongAdder serversLost = new LongAdder();
  private final LongAdder checkpoints = new LongAdder();
  private final LongAdder checkpointsFailed = new LongAdder();
  private final AtomicLong lastCheckpointNanos = new AtomicLong();
  /** Wall-clock millis of the last successful checkpoint; 0 when there was none. */
  private final AtomicLong lastCheckpointWallMillis = new AtomicLong();
  private final LongAdder recoveries = new LongAdder();
  private final LongAdder shardsRecovered = new LongAdder();
  private final LongAdder shardMovesFailed = new LongAdder();
  private final LatencyHistogram recoveryNanos = new LatencyHistogram();
  private final AtomicLong lastRecoveryNanos = new AtomicLong();

  /** A server was declared dead while the deployment was not stopping. */
  public void serverLost() {
    serversLost.increment();
  }

  public void checkpointTaken(long nanos, long wallMillis) {
    checkpoints.increment();
    lastCheckpointNanos.set(nanos);
    lastCheckpointWallMillis.set(wallMillis);
  }

  public void checkpointFailed() {
    checkpointsFailed.increment();
  }

  /** A recovery round ended after {@code nanos}: {@code moved} shards moved, {@code failed} to be retried. */
  public void recovered(long nanos, int moved, int failed) {
    recoveries.increment();
    shardsRecovered.add(moved);
    shardMovesFailed.add(failed);
    recoveryNanos.record(nanos);
    lastRecoveryNanos.set(nanos);
  }

  public long serversLost() {
    return serversLost.sum();
  }

  public long checkpoints() {
    return checkpoints.sum();
  }

  public long checkpointsFailed() {
    return checkpointsFailed.sum();
  }

  /** How long the last successful checkpoint took, from holding the runs to the manifest; 0 if none. */
  public long lastCheckpointNanos() {
    return lastCheckpointNanos.get();
  }

  /** When the last successful checkpoint completed (wall-clock millis); 0 if none. */
  public long lastCheckpointWallMillis() {
    return lastCheckpointWallMillis.get();
  }

  /** Recovery rounds finished (each moves the shards of the servers lost so far). */
  public long recoveries() {
    return recoveries.sum();
  }

  public long shardsRecovered() {
    return shardsRecovered.sum();
  }

  public long shardMovesFailed() {
    return shardMovesFailed.sum();
  }

  public long lastRecoveryNanos() {
    return lastRecoveryNanos.get();
  }

  /** Durations of the recovery rounds. */
  public LatencySnapshot recoveryDurations() {
    return recoveryNanos.snapshot();
  }
}
