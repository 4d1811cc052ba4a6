package io.sparkps.core.server;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PushId;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lowest epoch of each rolled-back run whose pushes this server still accepts. A recovery
 * raises a run's fence on every server before it restores any shard, so a task that has not yet
 * noticed the rollback cannot push into a restored shard (its push would move the shard's
 * exactly-once mark past the clocks the resumed workers replay, and their replays would be
 * dropped). Thread-safe.
 */
final class RunFences {

  private final ConcurrentHashMap<Long, Integer> minEpoch = new ConcurrentHashMap<>();

  void raise(long runId, int epoch) {
    minEpoch.merge(runId, epoch, Math::max);
  }

  /** Throws RUN_FAILED for a push made before the run's latest rollback. */
  void check(PushId id) {
    Integer min = minEpoch.get(id.runId());
    if (min != null && id.epoch() < min) {
      throw new PsRemoteException(ErrorCode.RUN_FAILED, "run " + id.runId() + " was rolled back (epoch " + min
          + "); this push is from worker " + id.worker() + " in epoch " + id.epoch()
          + ": re-register the worker and replay from the clock it is given");
    }
  }
}
