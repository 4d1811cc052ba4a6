package io.sparkps.core.scheduler;

import io.sparkps.core.clock.Effects;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.protocol.AbortRunMessage;
import io.sparkps.core.protocol.ClockMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.FinishWorkerMessage;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.RunBarrierMessage;
import io.sparkps.core.protocol.WorkerHeartbeatMessage;
import io.sparkps.core.protocol.WorkerRegisteredMessage;
import io.sparkps.core.transport.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clock service: answers the workers of training runs (register, clock, run barrier,
 * heartbeat, finish, abort) from the {@link TrainingRuns}. A worker's clock may open other
 * workers' gates and start an automatic checkpoint; registrations wait for a recovery or a cut
 * under way. Thread-safe: it shares the scheduler's lock; the gates it opens are completed by an
 * {@link Effects} after unlocking, and replies go through the {@link Outbox}.
 */
final class ClockService {

  private static final Logger LOG = LoggerFactory.getLogger(ClockService.class);

  private final SchedulerCore core;
  private final Object lock;
  /** A clock may start an automatic checkpoint; a new run registers after the cut under way. */
  private final CheckpointCoordinator checkpoints;
  /** Workers register only after a recovery under way, to resume from the rolled-back clock. */
  private final ShardRecovery recovery;

  ClockService(SchedulerCore core, CheckpointCoordinator checkpoints, ShardRecovery recovery) {
    this.core = core;
    this.lock = core.lock();
    this.checkpoints = checkpoints;
    this.recovery = recovery;
  }

  void registerWorker(Connection c, long requestId, RegisterWorkerMessage m) {
    WorkerRegisteredMessage reply;
    CompletableFuture<?> wait;
    synchronized (lock) {
      // While shards are being recovered, workers wait: they must resume from the rolled-back
      // clock against restored shards. While a checkpoint is cut, a new run waits: its pushes
      // would land inside the cut.
      wait = recovery.inProgress() != null ? recovery.inProgress()
          : checkpoints.inProgress() != null && !core.runs().exists(m.run()) ? checkpoints.inProgress() : null;
      reply = wait == null ? core.runs().register(c, m, core.ticker().read()) : null;
    }
    if (wait != null) {
      wait.handle((v, err) -> null).thenRun(() -> {
        try {
          registerWorker(c, requestId, m);
        } catch (RuntimeException e) {
          core.outbox().answer(c, requestId, e, null);
        }
      });
      return;
    }
    core.outbox().reply(c, requestId, reply);
  }

  void clock(Connection c, long requestId, ClockMessage m) {
    CompletableFuture<Long> gate;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      RunClock run = core.runs().run(m.runId());
      if (m.clock() > run.maxClock() && checkpoints.due(m.clock())) {
        checkpoints.start(List.of(), run, m.clock(), effects);
      }
      gate = run.advance(m.worker(), m.clock(), core.ticker().read(), effects);
    }
    effects.run();  // opens the gates of the workers this clock released
    gate.whenComplete((min, err) -> core.outbox().answer(c, requestId, err, new CountMessage(min == null ? -1 : min)));
  }

  void runBarrier(Connection c, long requestId, RunBarrierMessage m) {
    CompletableFuture<Void> done;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      done = core.runs().run(m.runId()).barrier(m.worker(), core.ticker().read(), effects);
    }
    effects.run();
    done.whenComplete((v, err) -> core.outbox().answer(c, requestId, err, new OkMessage()));
  }

  void workerHeartbeat(WorkerHeartbeatMessage m) {
    synchronized (lock) {
      core.runs().heard(m.runId(), m.worker(), core.ticker().read());
    }
  }

  void finishWorker(Connection c, long requestId, FinishWorkerMessage m) {
    Effects effects = new Effects(lock);
    synchronized (lock) {
      core.runs().finish(c, m.runId(), m.worker(), core.ticker().read(), effects);
      if (core.runs().run(m.runId()).state() == RunClock.State.FINISHED && checkpoints.due(0)) {
        checkpoints.start(List.of(), null, 0, effects);  // a finished run's tables: the next run starts from here
      }
    }
    effects.run();
    core.outbox().reply(c, requestId, new OkMessage());
  }

  void abortRun(Connection c, long requestId, AbortRunMessage m) {
    Effects effects = new Effects(lock);
    synchronized (lock) {
      RunClock run = core.runs().run(m.runId());
      if (m.worker() < 0 || run.isActive(m.worker())) {
        run.fail("aborted: " + m.reason(), effects);
      } else {
        LOG.debug("Ignoring abort of run {} from worker {}, no longer registered: {}", run.name(), m.worker(),
            m.reason());
      }
    }
    effects.run();
    core.outbox().reply(c, requestId, new OkMessage());
  }

  /** Fails the workers silent for longer than the heartbeat timeout (by the ticker's time). */
  void failSilentWorkers() {
    Effects effects = new Effects(lock);
    synchronized (lock) {
      core.runs().failSilentWorkers(core.ticker().read(), core.config().heartbeatTimeout(), effects);
    }
    effects.run();
  }
}
