package io.sparkps.ml.streaming;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointLayout;
import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.spark.PsContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A stream's full checkpoints of its model: taken through the scheduler (a consistent cut of the
 * model's tables), recorded in the {@link StreamLog}, and the newest two pinned, so that other
 * checkpoints of the application (another model's, {@code ps.checkpoint()}) never prune what a
 * recovery restores from. Driver-side; not thread-safe (the trainer's lock).
 */
final class FullCheckpoints {

  private static final int PINNED = 2;

  private final PsContext ps;
  private final StreamLog log;
  private final String[] tables;
  private final String modelName;
  /** Oldest first. */
  private final Deque<String> pinned = new ArrayDeque<>();
  private CheckpointPolicy policy;

  FullCheckpoints(PsContext ps, StreamLog log, List<String> tables, String modelName) {
    this.ps = ps;
    this.log = log;
    this.tables = tables.toArray(String[]::new);
    this.modelName = modelName;
  }

  /** Where checkpoints go: the application's policy, else on demand under the stream log. */
  CheckpointPolicy policy() {
    if (policy == null) {
      policy = ps.checkpointPolicyOr(log.files().resolve(log.root(), "checkpoints"));
    }
    return policy;
  }

  /** The newest recorded full checkpoint that can still be restored, pinned from now on. */
  Optional<StreamLog.Full> newest() {
    Optional<StreamLog.Full> full = log.newestFull(this::usable);
    full.ifPresent(f -> pin(f.dir()));
    return full;
  }

  /**
   * Takes a full checkpoint after micro-batch {@code batchId} and records it; the rows and
   * commits up to {@code previous} (the full checkpoint before, or -1) are no longer needed.
   */
  void take(long batchId, long previous) {
    Manifest m = ps.checkpoint(tables);
    String dir = CheckpointLayout.checkpointDir(log.files(), policy().dir(), m.id());
    pin(dir);
    log.full(batchId, dir);
    if (previous >= 0) {
      log.truncate(previous);
    }
  }

  /** Pins {@code dir}, unpinning all but the newest {@link #PINNED}. */
  private void pin(String dir) {
    if (!pinned.contains(dir)) {
      ps.pinCheckpoint(dir);
      pinned.addLast(dir);
    }
    while (pinned.size() > PINNED) {
      ps.unpinCheckpoint(pinned.removeFirst());
    }
  }

  private boolean usable(String dir) {
    try {
      return dir != null && CheckpointLayout.resolve(CheckpointFiles.forPath(dir), dir).isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoint " + dir + " of model " + modelName + ": " + e.getMessage(),
          e);
    }
  }
}
