package io.sparkps.core.scheduler;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointLayout;
import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.clock.Effects;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.CheckpointShardsMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints as consistent cuts: holds the running training runs at a clock boundary, has the
 * servers write their shards, writes the manifest last (through the {@link Checkpointer}), and
 * restores a checkpoint into a new deployment. Kept apart from the scheduler's request handling
 * because a cut spans runs, tables and servers over several asynchronous steps. Thread-safe: it
 * shares the scheduler's lock and state; file I/O runs on the background executor, sends and
 * future completions outside the lock.
 */
final class CheckpointCoordinator {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);

  private final SchedulerCore core;
  private final Object lock;
  /** Runs the file I/O of checkpoints and restores, off the I/O threads and the lock. */
  private final ExecutorService background;
  /** Checkpoints wait for a recovery under way, which may move the shards to cut. */
  private final ShardRecovery recovery;
  /** A restore creates the checkpoint's tables as a client would. */
  private final TableLifecycle tableLifecycle;
  /** The checkpoint being cut or written, or null. Guarded by lock. */
  private CompletableFuture<Manifest> checkpointInProgress;

  CheckpointCoordinator(SchedulerCore core, ExecutorService background, ShardRecovery recovery,
      TableLifecycle tableLifecycle) {
    this.core = core;
    this.lock = core.lock();
    this.background = background;
    this.recovery = recovery;
    this.tableLifecycle = tableLifecycle;
  }

  /** The checkpoint under way, or null: a new run registers after it. Holds lock. */
  CompletableFuture<Manifest> inProgress() {
    return checkpointInProgress;
  }

  /** The scheduler is closing: whoever waits on the checkpoint under way gets an answer. Holds lock. */
  void close(Effects effects) {
    if (checkpointInProgress != null) {
      effects.fail(checkpointInProgress, new IllegalStateException("scheduler closed during a checkpoint"));
    }
  }

  /** Sets where checkpoints go and how often they are taken automatically. */
  void configure(CheckpointPolicy policy) {
    core.checkpointer().configure(Objects.requireNonNull(policy, "policy"));
    LOG.info("Checkpoints under {}{}", policy.dir(), policy.automatic()
        ? " every " + policy.everyClocks() + " clocks and at the end of each run" : " on demand");
  }

  /** Keeps checkpoint directory {@code dir} from being pruned (see {@link PsScheduler#pinCheckpoint}). */
  void pin(String dir) {
    core.checkpointer().pin(dir);
  }

  void unpin(String dir) {
    core.checkpointer().unpin(dir);
  }

  Optional<CheckpointPolicy> policy() {
    return core.checkpointer().policy();
  }

  /** The checkpoint recovery rolls lost shards back to: the newest taken or restored. */
  Optional<Manifest> latest() {
    return core.checkpointer().latest().map(Checkpointer.Latest::manifest);
  }

  /**
   * Takes a checkpoint of the named tables (none named: all tables) as a consistent cut: each
   * running training run is held at its next clock boundary (every worker has reported it, none
   * pushes beyond it), the servers write their shards in parallel, the manifest is written last,
   * then the runs continue. Completes with the manifest; fails (leaving earlier checkpoints
   * usable) if a server or worker fails meanwhile or the file system refuses.
   */
  CompletableFuture<Manifest> checkpoint(String... tableNames) {
    CompletableFuture<?> busy;
    CompletableFuture<Manifest> started;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      if (core.checkpointer().policy().isEmpty()) {
        return CompletableFuture.failedFuture(new IllegalStateException("no checkpoint directory configured; "
            + "set spark.ps.checkpoint.dir (or SparkContext.setCheckpointDir), or call configureCheckpoints"));
      }
      for (String name : tableNames) {
        if (!core.tables().contains(name)) {
          return CompletableFuture.failedFuture(new PsRemoteException(ErrorCode.UNKNOWN_TABLE,
              "cannot checkpoint table " + name + ": no such table (tables: " + core.tables().names() + ")"));
        }
      }
      busy = checkpointInProgress != null ? checkpointInProgress : recovery.inProgress();
      started = busy != null ? null : start(List.of(tableNames), null, 0, effects);
    }
    effects.run();
    // Chained after unlocking: a busy future completed meanwhile runs the retry on this thread.
    return busy != null ? busy.handle((v, err) -> null).thenCompose(v -> checkpoint(tableNames)) : started;
  }

  /**
   * Loads a checkpoint into this (new) deployment: {@code path} is a checkpoint directory or a
   * checkpoint root (its newest complete checkpoint is used). Each table is created with the
   * checkpoint's shard count and its shards are read by the servers that host them. Tables with
   * the same names must not exist. Completes with the checkpoint's manifest.
   */
  CompletableFuture<Manifest> restore(String path) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        CheckpointFiles files = CheckpointFiles.forPath(path);
        String dir = CheckpointLayout.resolve(files, path).orElseThrow(() ->
            new IllegalArgumentException("no complete checkpoint at or under " + path
                + " (a checkpoint is a ckpt-NNNNNNNN directory holding a MANIFEST)"));
        return new Checkpointer.Latest(dir, CheckpointLayout.readManifest(files, dir));
      } catch (IOException e) {
        throw new UncheckedIOException("reading checkpoint " + path + ": " + e.getMessage(), e);
      }
    }, background).thenCompose(found -> {
      Manifest manifest = found.manifest();
      synchronized (lock) {
        for (Manifest.TableEntry t : manifest.tables()) {
          if (core.tables().contains(t.name())) {
            throw new PsRemoteException(ErrorCode.DUPLICATE_TABLE, "cannot restore table " + t.name()
                + " from " + found.dir() + ": a table with this name exists; drop it first");
          }
        }
      }
      CheckpointFiles files = CheckpointFiles.forPath(found.dir());
      List<CompletableFuture<RoutingTable>> created = new ArrayList<>();
      for (Manifest.TableEntry t : manifest.tables()) {
        created.add(tableLifecycle.create(t.spec(), t.shards(),
            shard -> CheckpointLayout.shardFile(files, found.dir(), t.tableId(), shard)));
      }
      return CompletableFuture.allOf(created.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
        core.checkpointer().restored(found.dir(), manifest);
        LOG.info("Restored {} tables from checkpoint {} ({} bytes)", manifest.tables().size(), found.dir(),
            manifest.bytes());
        return manifest;
      });
    });
  }

  /** Whether a clock boundary (0 = a run's end) calls for an automatic checkpoint. Holds lock. */
  boolean due(long clock) {
    CheckpointPolicy p = core.checkpointer().policy().orElse(null);
    return p != null && p.automatic() && clock % p.everyClocks() == 0 && checkpointInProgress == null
        && recovery.inProgress() == null && !core.tables().isEmpty();
  }

  /**
   * Starts a checkpoint: holds every running run at its next boundary ({@code run} at
   * {@code clock}), and once all are held, has the servers write. Holds lock.
   */
  CompletableFuture<Manifest> start(List<String> names, RunClock run, long clock,
      Effects effects) {
    CompletableFuture<Manifest> result = new CompletableFuture<>();
    checkpointInProgress = result;
    List<RunClock> held = core.runs().inState(RunClock.State.RUNNING);
    List<CompletableFuture<Manifest.RunCut>> cuts = new ArrayList<>();
    for (RunClock r : held) {
      long at = r == run ? clock : r.maxClock() + 1;
      cuts.add(r.holdAt(at, effects).thenApply(c -> new Manifest.RunCut(r.name(), r.id(), c)));
    }
    long started = core.ticker().read();
    CompletableFuture.allOf(cuts.toArray(new CompletableFuture<?>[0]))
        .thenComposeAsync(v -> writeCheckpoint(names, cuts.stream().map(CompletableFuture::join).toList()), background)
        .whenComplete((manifest, err) -> {
          Effects released = new Effects(lock);
          synchronized (lock) {
            long now = core.ticker().read();
            held.forEach(r -> r.releaseHold(now, released));
            checkpointInProgress = null;
          }
          released.run();
          if (err != null) {
            core.metrics().checkpointFailed();
            LOG.warn("Checkpoint failed; earlier checkpoints stay usable: {}", ErrorMapping.messageOf(err));
            result.completeExceptionally(ErrorMapping.unwrap(err));
          } else {
            long took = core.ticker().read() - started;
            core.metrics().checkpointTaken(took, core.ticker().wallMillis());
            LOG.info("Checkpoint {} written: {} tables, {} bytes, runs {}, in {} ms", manifest.id(),
                manifest.tables().size(), manifest.bytes(), manifest.runs(), took / 1_000_000);
            result.complete(manifest);
          }
        });
    return result;
  }

  /** Has every server write its shards of the tables, then writes the manifest. Runs on background. */
  private CompletableFuture<Manifest> writeCheckpoint(List<String> names, List<Manifest.RunCut> cuts) {
    Checkpointer.Allocated a;
    try {
      a = core.checkpointer().allocate();
    } catch (IOException e) {
      LOG.error("Cannot list the checkpoint directory {}", core.checkpointer().policy().map(CheckpointPolicy::dir)
          .orElse("(none)"), e);
      return CompletableFuture.failedFuture(new PsRemoteException(ErrorCode.CHECKPOINT_FAILED,
          "cannot list the checkpoint directory: " + e.getMessage(), e));
    }
    List<Manifest.TableEntry> entries = new ArrayList<>();
    Map<Integer, Set<Integer>> tablesByServer = new LinkedHashMap<>();
    long routingVersion;
    synchronized (lock) {
      routingVersion = core.routing().current().version();
      for (TableRoute route : core.tables().routes()) {
        if (!names.isEmpty() && !names.contains(route.spec().name())) {
          continue;
        }
        entries.add(new Manifest.TableEntry(route.spec().name(), route.tableId(), route.numShards(), route.spec()));
        for (int owner : route.shardOwners()) {
          tablesByServer.computeIfAbsent(owner, k -> new HashSet<>()).add(route.tableId());
        }
      }
    }
    List<CompletableFuture<Message>> writes = new ArrayList<>();
    tablesByServer.forEach((server, ids) -> writes.add(core.links().send(server,
        new CheckpointShardsMessage(a.dir(), ids.stream().mapToInt(Integer::intValue).toArray()),
        core.config().clockTimeout())));
    return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).thenApplyAsync(v -> {
      long bytes = writes.stream().mapToLong(w -> ((CountMessage) w.join()).count()).sum();
      Manifest manifest = new Manifest(a.id(), core.ticker().wallMillis(), routingVersion, bytes, cuts, entries);
      try {
        core.checkpointer().complete(a, manifest);
      } catch (IOException e) {
        LOG.error("Writing the manifest of checkpoint {} failed", a.dir(), e);
        throw new PsRemoteException(ErrorCode.CHECKPOINT_FAILED, "writing the manifest of " + a.dir() + " failed: "
            + e.getMessage(), e);
      }
      return manifest;
    }, background).whenCompleteAsync((m, err) -> {
      if (err != null) {
        core.checkpointer().abandon(a);
      }
    }, background);
  }
}
