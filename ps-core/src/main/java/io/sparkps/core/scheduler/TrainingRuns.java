package io.sparkps.core.scheduler;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.Effects;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.WorkerRegisteredMessage;
import io.sparkps.core.transport.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training runs the scheduler gates: runs by name and id, and which connection registered
 * which worker, so a closed connection (its JVM died) fails the runs of the workers it carried.
 * Not thread-safe: the scheduler guards it.
 */
final class TrainingRuns {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingRuns.class);

  private record WorkerRef(long runId, int worker) {}

  private final Map<String, RunClock> byName = new HashMap<>();
  private final Map<Long, RunClock> byId = new HashMap<>();
  private final Map<Connection, Set<WorkerRef>> byConnection = new HashMap<>();
  // Run ids start at a random point: a checkpoint restored into another application carries push
  // marks of that application's runs, which must never match a new run's pushes.
  private long nextRunId = 1 + (java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 2);

  WorkerRegisteredMessage register(Connection c, RegisterWorkerMessage m, long now) {
    Consistency consistency = Consistency.ofStaleness(m.staleness());
    RunClock run = byName.get(m.run());
    if (run == null) {
      run = new RunClock(m.run(), nextRunId++, m.numWorkers(), consistency);
      byName.put(m.run(), run);
      byId.put(run.id(), run);
      LOG.info("Training run {} (id {}) started: {} workers, {}", m.run(), run.id(), m.numWorkers(), consistency);
    } else if (run.numWorkers() != m.numWorkers() || !run.consistency().equals(consistency)) {
      throw new PsRemoteException(ErrorCode.INVALID_ARGUMENT, "run " + m.run() + " has " + run.numWorkers()
          + " workers and " + run.consistency() + "; worker " + m.worker() + " registered with numWorkers="
          + m.numWorkers() + ", " + consistency + " (use a new run name for a different setup)");
    }
    long clock = run.register(m.worker(), now);
    byConnection.computeIfAbsent(c, k -> new HashSet<>()).add(new WorkerRef(run.id(), m.worker()));
    return new WorkerRegisteredMessage(run.id(), clock, run.epoch());
  }

  RunClock run(long runId) {
    RunClock run = byId.get(runId);
    if (run == null) {
      throw new PsRemoteException(ErrorCode.INVALID_ARGUMENT, "no training run with id " + runId
          + "; register the worker first");
    }
    return run;
  }

  void heard(long runId, int worker, long now) {
    RunClock run = byId.get(runId);
    if (run != null) {
      run.heard(worker, now);
    }
  }

  void finish(Connection c, long runId, int worker, long now, Effects effects) {
    run(runId).finish(worker, now, effects);
    Set<WorkerRef> refs = byConnection.get(c);
    if (refs != null) {
      refs.remove(new WorkerRef(runId, worker));
    }
  }

  /** A worker's connection closing means its task or JVM is gone: its run fails. */
  void connectionClosed(Connection c, Effects effects) {
    Set<WorkerRef> refs = byConnection.remove(c);
    if (refs == null) {
      return;
    }
    for (WorkerRef ref : refs) {
      RunClock run = byId.get(ref.runId());
      if (run != null && run.isActive(ref.worker())) {
        // INFO: whoever killed the task logs it (Spark, or the scheduler for a lost server).
        LOG.info("Worker {} of run {} lost its connection; failing the run", ref.worker(), run.name());
        run.fail("worker " + ref.worker() + " disconnected (its task or executor died)", effects);
      }
    }
  }

  void failSilentWorkers(long now, Duration timeout, Effects effects) {
    for (RunClock run : byId.values()) {
      if (run.state() != RunClock.State.RUNNING) {
        continue;
      }
      List<Integer> silent = run.silentWorkers(now, timeout.toNanos());
      if (!silent.isEmpty()) {
        LOG.warn("Workers {} of run {} silent (no heartbeat, or not registered since the run started) for more "
            + "than {}; failing the run", silent, run.name(), timeout);
        run.fail("workers " + silent + " sent no heartbeat, or did not register, for more than " + timeout,
            effects);
      }
    }
  }

  boolean exists(String name) {
    return byName.containsKey(name);
  }

  /** Runs in the given states. */
  List<RunClock> inState(RunClock.State... states) {
    java.util.EnumSet<RunClock.State> wanted = java.util.EnumSet.noneOf(RunClock.State.class);
    wanted.addAll(java.util.Arrays.asList(states));
    List<RunClock> out = new java.util.ArrayList<>();
    for (RunClock run : byId.values()) {
      if (wanted.contains(run.state())) {
        out.add(run);
      }
    }
    return out;
  }

  /** Every run's statistics, in start order (runs are kept after they end). */
  List<RunStats> allStats() {
    return byId.values().stream().sorted(java.util.Comparator.comparingLong(RunClock::id)).map(RunClock::stats)
        .toList();
  }

  Optional<RunStats> stats(String name) {
    return Optional.ofNullable(byName.get(name)).map(RunClock::stats);
  }
}
