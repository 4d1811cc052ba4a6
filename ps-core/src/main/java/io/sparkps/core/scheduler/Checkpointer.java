package io.sparkps.core.scheduler;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointLayout;
import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's checkpoint bookkeeping: the policy, the next checkpoint id, writing a
 * manifest (to a temporary name, then renamed, so a crash never leaves a half manifest), pruning
 * old checkpoints, and the latest usable checkpoint (taken here, or restored) that recovery
 * rolls lost shards back to. File work only; the consistent cut is the scheduler's. Thread-safe.
 */
final class Checkpointer {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  /** A usable checkpoint: its directory and manifest. */
  record Latest(String dir, Manifest manifest) {}

  // Read without the lock: the scheduler asks for them while holding its own lock.
  private volatile CheckpointPolicy policy;
  private volatile CheckpointFiles files;
  private volatile Latest latest;
  private long nextId = -1;
  /** Checkpoint directories someone still refers to (a stream's full checkpoints): never pruned. */
  private final Set<String> pinned = ConcurrentHashMap.newKeySet();

  synchronized void configure(CheckpointPolicy policy) {
    this.policy = policy;
    this.files = CheckpointFiles.forPath(policy.dir());
    this.nextId = -1;
  }

  Optional<CheckpointPolicy> policy() {
    return Optional.ofNullable(policy);
  }

  Optional<Latest> latest() {
    return Optional.ofNullable(latest);
  }

  /** Keeps checkpoint {@code dir} from being pruned until {@link #unpin}. */
  void pin(String dir) {
    pinned.add(dir);
  }

  /** Lets checkpoint {@code dir} be pruned again like any other. */
  void unpin(String dir) {
    pinned.remove(dir);
  }

  void restored(String dir, Manifest manifest) {
    latest = new Latest(dir, manifest.withoutRuns());
  }

  /** Allocates the next checkpoint: its id and directory (ids continue after those already there). */
  synchronized Allocated allocate() throws IOException {
    if (policy == null) {
      throw new IllegalStateException("no checkpoint directory configured; set spark.ps.checkpoint.dir "
          + "(or SparkContext.setCheckpointDir), or PsScheduler.configureCheckpoints");
    }
    if (nextId < 0) {
      long[] ids = CheckpointLayout.ids(files, policy.dir());
      nextId = ids.length == 0 ? 1 : ids[ids.length - 1] + 1;
    }
    long id = nextId++;
    return new Allocated(id, files, CheckpointLayout.checkpointDir(files, policy.dir(), id), policy);
  }

  /** A checkpoint being written. */
  record Allocated(long id, CheckpointFiles files, String dir, CheckpointPolicy policy) {}

  /** Writes the manifest last, which makes the checkpoint usable, then prunes older ones. */
  void complete(Allocated a, Manifest manifest) throws IOException {
    String tmp = a.files().resolve(a.dir(), "_" + CheckpointLayout.MANIFEST + ".tmp");
    try (OutputStream out = a.files().create(tmp)) {
      manifest.write(out);
    }
    a.files().rename(tmp, CheckpointLayout.manifestFile(a.files(), a.dir()));
    latest = new Latest(a.dir(), manifest);
    prune(a);
  }

  /** Removes what a failed checkpoint wrote; it has no manifest, so nothing would read it anyway. */
  void abandon(Allocated a) {
    try {
      a.files().deleteRecursively(a.dir());
    } catch (IOException e) {
      LOG.warn("Could not remove the unfinished checkpoint {}: {} (it has no manifest and is never read)",
          a.dir(), e.toString());
    }
  }

  private void prune(Allocated a) {
    String root = a.policy().dir();
    try {
      long[] ids = CheckpointLayout.ids(a.files(), root);
      int kept = 0;
      for (int i = ids.length - 1; i >= 0; i--) {
        String dir = CheckpointLayout.checkpointDir(a.files(), root, ids[i]);
        boolean complete = a.files().exists(CheckpointLayout.manifestFile(a.files(), dir));
        if (ids[i] > a.id() || pinned.contains(dir)) {
          continue;  // another writer's newer checkpoint, or one still referred to: not ours to judge
        }
        if (complete && kept < a.policy().keep()) {
          kept++;
        } else {
          a.files().deleteRecursively(dir);
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not prune old checkpoints under {}: {}", root, e.toString());
    }
  }
}
