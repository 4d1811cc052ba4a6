package io.sparkps.core.scheduler;

import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.clock.Effects;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.FenceRunMessage;
import io.sparkps.core.protocol.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery of the shards of lost servers: plans the moves, rolls unfinished runs back and fences
 * their old pushes out, has the new owners create (restore or clear) the shards, publishes the new
 * owners, and retries failed moves with a capped backoff. Kept apart because it is the scheduler's
 * longest protocol (fence, create, publish, retry). Thread-safe: it shares the scheduler's lock
 * and state; sends and future completions happen outside the lock.
 */
final class ShardRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(ShardRecovery.class);
  /** Retries of failed shard moves in a row before waiting for the next server to come or go. */
  static final int MAX_RETRIES = 8;

  private final SchedulerCore core;
  private final Object lock;
  /** Runs the retries of failed moves. */
  private final ScheduledExecutorService timer;
  /** The recovery under way, or null. Guarded by lock. */
  private CompletableFuture<Void> running;
  /** Whether a server came or went during the recovery under way: recover again after it. Guarded by lock. */
  private boolean recoverAgain;
  /** Failed recoveries in a row, for the retry backoff. Guarded by lock. */
  private int retries;

  ShardRecovery(SchedulerCore core, ScheduledExecutorService timer) {
    this.core = core;
    this.lock = core.lock();
    this.timer = timer;
  }

  /** The recovery under way, or null: registrations and checkpoints wait for it. Holds lock. */
  CompletableFuture<Void> inProgress() {
    return running;
  }

  /** The scheduler is closing: whoever waits on the recovery under way is let go. Holds lock. */
  void close(Effects effects) {
    if (running != null) {
      effects.complete(running, null);
    }
  }

  /**
   * Moves the shards of dead servers to live ones, restoring each from the latest checkpoint when
   * that checkpoint holds the shard's table with the same layout (otherwise the shard starts
   * empty), and rolls unfinished training runs back: to the checkpoint's cut when every moved
   * shard is restored from it, to clock 0 when any starts empty. Workers re-register and replay
   * from there; exactly-once marks keep restored and surviving shards from applying a replay
   * twice. Registrations wait until it is done.
   */
  void recover() {
    List<ShardPlacement.Move> moves = new ArrayList<>();
    Optional<Checkpointer.Latest> ckpt = core.checkpointer().latest();
    CompletableFuture<Void> done;
    List<FenceRunMessage> fences;
    int[] fenced;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      if (core.closed().get()) {
        return;
      }
      if (running != null) {
        recoverAgain = true;
        return;
      }
      int[] alive = core.servers().aliveIds();
      ShardPlacement.Plan plan =
          ShardPlacement.moves(core.tables().routes(), alive, core.servers()::isAlive, ckpt);
      moves.addAll(plan.moves());
      int orphans = plan.orphans();
      if (orphans > 0) {
        LOG.error("{} shards have no live server to move to; they wait for a new server to register", orphans);
      }
      if (moves.isEmpty()) {
        retries = 0;
        return;
      }
      // A shard that starts empty lost every push before the cut, so the runs replay from 0:
      // restored shards drop the replays up to the cut by their marks, surviving ones all of them.
      boolean anyEmpty = moves.stream().anyMatch(mv -> mv.source().isEmpty());
      fences = rollBackRuns(anyEmpty ? Optional.empty() : ckpt, effects);
      fenced = alive;
      running = new CompletableFuture<>();
      done = running;
    }
    effects.run();  // fails the waiters of the rolled-back runs
    long started = core.ticker().read();
    long empty = moves.stream().filter(mv -> mv.source().isEmpty()).count();
    LOG.info("Recovering {} shards: {} from checkpoint {}, {} empty{}", moves.size(), moves.size() - empty,
        ckpt.map(Checkpointer.Latest::dir).orElse("(none)"), empty,
        empty > 0 ? " (no checkpoint of their table: unfinished runs replay from clock 0)" : "");
    // Fence first: once a restored shard exists, no push from before the rollback may reach it.
    // A moved shard is created only after its new owner confirmed every fence; a server that
    // missed one receives nothing, and the move is retried.
    Map<Integer, CompletableFuture<Void>> fencedBy = new HashMap<>();
    for (int server : fenced) {
      List<CompletableFuture<Message>> sent = new ArrayList<>();
      for (FenceRunMessage f : fences) {
        sent.add(core.links().send(server, f, core.config().requestTimeout()));
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
      all.whenComplete((v, err) -> {
        if (err != null) {
          LOG.warn("Server {} did not confirm the run fences; it receives no moved shard this round", server,
              ErrorMapping.unwrap(err));
        }
      });
      fencedBy.put(server, all);
    }
    List<CompletableFuture<Message>> created = new ArrayList<>();
    for (ShardPlacement.Move mv : moves) {
      CompletableFuture<Message> c = fencedBy.getOrDefault(mv.owner(), CompletableFuture.completedFuture(null))
          .thenCompose(ok -> core.links().send(mv.owner(),
              ShardPlacement.createShard(mv.route(), mv.shard(), mv.source()), core.config().clockTimeout()));
      if (mv.source().isEmpty()) {
        // No checkpoint: the shard starts empty even if a persisted file of it reopened, since
        // its push marks are gone and the run replays from clock 0.
        c = c.thenCompose(ok -> core.links().send(mv.owner(), new ClearMessage(mv.route().tableId(), mv.shard()),
            core.config().requestTimeout()));
      }
      created.add(c);
    }
    CompletableFuture.allOf(created.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
      boolean again;
      int moved = 0;
      int failed = 0;
      List<Throwable> errors = created.stream().map(f -> f.handle((m, e) -> e).join()).toList();
      Effects published = new Effects(lock);
      synchronized (lock) {
        Map<String, int[]> owners = new HashMap<>();
        for (int i = 0; i < moves.size(); i++) {
          ShardPlacement.Move mv = moves.get(i);
          TableRoute current = core.tables().get(mv.route().spec().name());
          if (current == null || current.tableId() != mv.route().tableId()) {
            continue;  // dropped meanwhile
          }
          Throwable error = errors.get(i);
          if (error != null) {
            LOG.error("Moving shard {} of table {} to server {} failed; it is retried", mv.shard(),
                mv.route().spec().name(), mv.owner(), ErrorMapping.unwrap(error));
            failed++;
            continue;
          }
          owners.computeIfAbsent(current.spec().name(), k -> current.shardOwners())[mv.shard()] = mv.owner();
          moved++;
        }
        owners.forEach(core.tables()::moveShards);
        core.publish(published);
        running = null;
        again = recoverAgain;
        recoverAgain = false;
        if (failed > 0) {
          scheduleRecoveryRetry();
        } else {
          retries = 0;
        }
      }
      published.run();
      long took = core.ticker().read() - started;
      core.metrics().recovered(took, moved, failed);
      LOG.info("Recovered {} of {} shards in {} ms", moved, moves.size(), took / 1_000_000);
      done.complete(null);
      if (again) {
        recover();
      }
    });
  }

  /**
   * Plans another recovery after a failed move: after heartbeatInterval, doubling with each
   * failure up to heartbeatTimeout, at most {@link #MAX_RETRIES} times in a row. After
   * that the shards wait for the next server to register or die, which recovers again. Holds
   * lock.
   */
  private void scheduleRecoveryRetry() {
    if (core.closed().get()) {
      return;
    }
    if (retries >= MAX_RETRIES) {
      LOG.error("Giving up moving lost shards after {} retries; they move when a server registers or is lost",
          retries);
      retries = 0;
      return;
    }
    long base = core.config().heartbeatInterval().toNanos();
    long delay = Math.min(core.config().heartbeatTimeout().toNanos(), base << Math.min(retries, 20));
    retries++;
    LOG.warn("Retrying the failed shard moves in {} ms (retry {} of {})", delay / 1_000_000, retries,
        MAX_RETRIES);
    try {
      timer.schedule(this::recover, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Not retrying shard moves: the scheduler is closing", e);
    }
  }

  /**
   * Fails unfinished runs and moves their workers back to the checkpoint's cut (0 without a
   * checkpoint, or for a run it does not hold); returns the fences that keep pushes from before
   * the rollback out. Holds lock.
   */
  private List<FenceRunMessage> rollBackRuns(Optional<Checkpointer.Latest> ckpt, Effects effects) {
    List<FenceRunMessage> fences = new ArrayList<>();
    for (RunClock run : core.runs().inState(RunClock.State.RUNNING, RunClock.State.FAILED)) {
      long resume = ckpt.flatMap(c -> c.manifest().run(run.id())).map(Manifest.RunCut::clock).orElse(0L);
      run.fail("a parameter server was lost; its shards are restored and the run resumes from clock " + resume,
          effects);
      run.rollBack(resume);
      fences.add(new FenceRunMessage(run.id(), run.epoch()));
      LOG.info("Run {} rolled back to clock {} (epoch {})", run.name(), resume, run.epoch());
    }
    return fences;
  }
}
