package io.sparkps.core.clock;

import static io.sparkps.core.check.Checks.requireArgument;
import static io.sparkps.core.check.Checks.requireState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The scheduler's state for one training run: each worker's clock, the gate that holds a worker
 * until the slowest is within the staleness bound, the run's barrier, liveness and statistics.
 * Waiting is a future completed when the minimum clock advances: nothing polls or sleeps. Time is
 * passed in by the caller (the scheduler's ticker). A future someone may already wait on is never
 * completed here: its completion goes into the caller's {@link Effects}, run once the caller's
 * lock is released. Not thread-safe: the scheduler guards it.
 *
 * <p>Clocks start at 0. A worker calling {@code clock()} reports {@code c + 1} after finishing
 * clock {@code c} and waits until every unfinished worker has reported at least
 * {@code c + 1 - staleness}. A finished worker no longer holds anyone back.
 */
public final class RunClock {

  /** Lifecycle of a run. A failed run becomes RUNNING again when a worker re-registers. */
  public enum State { RUNNING, FAILED, FINISHED }

  /** At most this many skew samples are kept (the oldest are dropped). */
  static final int MAX_SKEW_SAMPLES = 10_000;

  private record Waiter(int worker, long requiredMin, long sinceNanos, CompletableFuture<Long> future) {}

  private final String name;
  private final long id;
  private final int numWorkers;
  private final Consistency consistency;
  private final long[] clocks;
  private final boolean[] registered;
  private final boolean[] finished;
  /** Heartbeat, registration, or (for a worker yet to register) the time the run (re)started. */
  private final long[] lastHeard;
  /** Whether a worker has registered yet. */
  private boolean started;
  private final long[] blockedNanos;
  private final long[] clockCalls;
  private final PriorityQueue<Waiter> waiters =
      new PriorityQueue<>((a, b) -> Long.compare(a.requiredMin, b.requiredMin));
  private final List<CompletableFuture<Void>> barrierWaiters = new ArrayList<>();
  private final boolean[] atBarrier;
  /** Workers parked in the gate: alive while their connection is (its loss is seen separately). */
  private final int[] parked;
  private final ArrayList<RunStats.SkewSample> skew = new ArrayList<>();
  private State state = State.RUNNING;
  private String failure;
  /** Clock at which workers are held for a checkpoint's cut, or -1. */
  private long holdClock = -1;
  /** Rollbacks so far: pushes carry the epoch their worker registered in. */
  private int epoch;
  private CompletableFuture<Long> cut;
  /** Whether {@link #cut}'s completion was handed to the caller's effects. */
  private boolean cutReached;
  private final List<Waiter> held = new ArrayList<>();

  public RunClock(String name, long id, int numWorkers, Consistency consistency) {
    requireArgument(numWorkers >= 1, "a run needs workers: numWorkers=%s (>= 1)", numWorkers);
    this.name = name;
    this.id = id;
    this.numWorkers = numWorkers;
    this.consistency = consistency;
    this.clocks = new long[numWorkers];
    this.registered = new boolean[numWorkers];
    this.finished = new boolean[numWorkers];
    this.lastHeard = new long[numWorkers];
    this.blockedNanos = new long[numWorkers];
    this.clockCalls = new long[numWorkers];
    this.atBarrier = new boolean[numWorkers];
    this.parked = new int[numWorkers];
  }

  public String name() {
    return name;
  }

  public long id() {
    return id;
  }

  public int numWorkers() {
    return numWorkers;
  }

  public Consistency consistency() {
    return consistency;
  }

  public State state() {
    return state;
  }

  /**
   * Registers (or re-registers, for a retried task) a worker; a failed run resumes. Returns the
   * worker's clock: where a retried task picks up.
   */
  public long register(int worker, long now) {
    checkWorker(worker);
    requireArgument(state != State.FINISHED, "run %s already finished: worker=%s", name, worker);
    if (state == State.FAILED || !started) {
      state = State.RUNNING;
      failure = null;
      started = true;
      // The others' time to (re-)register counts from here (see silentWorkers).
      for (int w = 0; w < numWorkers; w++) {
        if (!registered[w]) {
          lastHeard[w] = now;
        }
      }
    }
    registered[worker] = true;
    finished[worker] = false;
    lastHeard[worker] = now;
    return clocks[worker];
  }

  /**
   * Records that {@code worker} finished clock {@code clock - 1} and completes the returned future
   * (with the minimum clock) once the gate opens. Re-reporting a clock already reached (a retried
   * task replaying) is allowed; skipping ahead is not. The gates this opens for other workers, and
   * a cut it completes, are completed by {@code effects}.
   */
  public CompletableFuture<Long> advance(int worker, long clock, long now, Effects effects) {
    checkWorker(worker);
    if (state != State.RUNNING || !registered[worker]) {
      return CompletableFuture.failedFuture(notRunning(worker));
    }
    requireArgument(clock <= clocks[worker] + 1, "clock skipped ahead: worker=%s, clock=%s (at most %s)",
        worker, clock, clocks[worker] + 1);
    lastHeard[worker] = now;
    clockCalls[worker]++;
    clocks[worker] = Math.max(clocks[worker], clock);
    long min = minClock();
    sampleSkew(now, min);
    CompletableFuture<Long> gate = new CompletableFuture<>();
    long required = consistency.requiredMin(clock);
    if (holdClock >= 0 && clock >= holdClock) {
      held.add(new Waiter(worker, required, now, gate));
      parked[worker]++;
    } else if (min >= required) {
      gate = CompletableFuture.completedFuture(min);  // new, nobody waits on it yet
    } else {
      waiters.add(new Waiter(worker, required, now, gate));
      parked[worker]++;
    }
    release(min, now, effects);
    completeCutIfReached(effects);
    return gate;
  }

  /**
   * Starts a checkpoint's cut at {@code clock}: a worker reporting it is held there (whatever the
   * staleness) until {@link #releaseHold}. The returned future completes once every unfinished
   * worker has reported {@code clock}: from then on no worker pushes, and every push of earlier
   * clocks has been acknowledged. It also completes if the run finishes first, and fails if the
   * run fails.
   *
   * @throws IllegalStateException when a cut is already pending, or a worker is already past
   *     {@code clock} (it may be pushing clock {@code clock}'s updates)
   */
  public CompletableFuture<Long> holdAt(long clock, Effects effects) {
    requireState(holdClock < 0, "run %s already holds its workers at clock %s", name, holdClock);
    requireState(clock > maxClock(), "run %s cannot cut at clock %s: a worker is at clock %s", name, clock,
        maxClock());
    holdClock = clock;
    cut = new CompletableFuture<>();
    cutReached = false;
    CompletableFuture<Long> result = cut;
    completeCutIfReached(effects);
    return result;
  }

  /** Lets the workers held at the cut continue (the checkpoint is written or abandoned). */
  public void releaseHold(long now, Effects effects) {
    if (holdClock < 0) {
      return;
    }
    holdClock = -1;
    cut = null;
    waiters.addAll(held);
    held.clear();
    release(minClock(), now, effects);
  }

  /**
   * Moves every worker back to clock {@code clock} at most (a recovery rolled the tables back to a
   * checkpoint taken there): re-registering workers resume from it. The run must have failed
   * first; finished workers become unfinished again, as their later pushes may be lost.
   */
  public void rollBack(long clock) {
    requireState(state == State.FAILED, "run %s must fail before it is rolled back (state %s)", name, state);
    requireArgument(clock >= 0, "clock must be >= 0: clock=%s", clock);
    for (int w = 0; w < numWorkers; w++) {
      clocks[w] = Math.min(clocks[w], clock);
      finished[w] = false;
    }
    epoch++;
  }

  /** How many times the run was rolled back. */
  public int epoch() {
    return epoch;
  }

  /** The highest clock any worker has reported. */
  public long maxClock() {
    long max = 0;
    for (long c : clocks) {
      max = Math.max(max, c);
    }
    return max;
  }

  /** Completes when all workers of the run have arrived (finished workers excepted). */
  public CompletableFuture<Void> barrier(int worker, long now, Effects effects) {
    checkWorker(worker);
    if (state != State.RUNNING || !registered[worker]) {
      return CompletableFuture.failedFuture(notRunning(worker));
    }
    lastHeard[worker] = now;
    CompletableFuture<Void> f = new CompletableFuture<>();
    atBarrier[worker] = true;
    barrierWaiters.add(f);
    releaseBarrierIfComplete(effects);
    return f;
  }

  /** A worker finished its part of the run normally: it no longer gates the others. */
  public void finish(int worker, long now, Effects effects) {
    checkWorker(worker);
    finished[worker] = true;
    registered[worker] = false;
    boolean allDone = true;
    for (boolean f : finished) {
      allDone &= f;
    }
    if (allDone && state == State.RUNNING) {
      state = State.FINISHED;
    }
    release(minClock(), now, effects);
    releaseBarrierIfComplete(effects);
    completeCutIfReached(effects);
  }

  /** Fails the run: every waiter is released with {@link RunFailedException}; workers must re-register. */
  public void fail(String reason, Effects effects) {
    if (state != State.RUNNING) {
      return;
    }
    state = State.FAILED;
    failure = reason;
    Arrays.fill(registered, false);
    Arrays.fill(atBarrier, false);
    Arrays.fill(parked, 0);
    RunFailedException e = new RunFailedException("run " + name + " failed: " + reason);
    List<Waiter> gated = new ArrayList<>(waiters);
    gated.addAll(held);
    waiters.clear();
    held.clear();
    if (cut != null) {
      effects.fail(cut, e);
    }
    holdClock = -1;
    cut = null;
    List<CompletableFuture<Void>> atBarrierNow = new ArrayList<>(barrierWaiters);
    barrierWaiters.clear();
    gated.forEach(w -> effects.fail(w.future, e));
    atBarrierNow.forEach(f -> effects.fail(f, e));
  }

  /** Whether the worker is registered and has not finished: its loss fails the run. */
  public boolean isActive(int worker) {
    checkWorker(worker);
    return registered[worker] && !finished[worker];
  }

  /** Records a heartbeat. */
  public void heard(int worker, long now) {
    checkWorker(worker);
    lastHeard[worker] = now;
  }

  /**
   * Registered, unfinished workers not heard from for longer than {@code timeoutNanos}. Workers
   * parked in the gate or at the barrier are waiting on others, not lost: they are not counted
   * (a dead one is noticed when its connection closes).
   */
  public List<Integer> silentWorkers(long now, long timeoutNanos) {
    List<Integer> silent = new ArrayList<>();
    for (int w = 0; w < numWorkers; w++) {
      boolean quiet = registered[w] && !finished[w] && parked[w] == 0 && !atBarrier[w];
      // A gated run cannot move without every worker. One that has not registered since the run
      // (re)started may never come: its task failed before registering, or it is a stale task of
      // an attempt that already failed, which re-registered and resumed the run on its own. ASP
      // runs may start workers in waves, one after another: they do not wait for it.
      boolean absent = started && consistency.gated() && state == State.RUNNING && !registered[w] && !finished[w];
      if ((quiet || absent) && now - lastHeard[w] > timeoutNanos) {
        silent.add(w);
      }
    }
    return silent;
  }

  public RunStats stats() {
    return new RunStats(name, state, consistency, clocks, blockedNanos, clockCalls, skew, failure);
  }

  private long minClock() {
    long min = Long.MAX_VALUE;
    for (int w = 0; w < numWorkers; w++) {
      if (!finished[w]) {
        min = Math.min(min, clocks[w]);
      }
    }
    return min;
  }

  private void release(long min, long now, Effects effects) {
    while (!waiters.isEmpty() && waiters.peek().requiredMin <= min) {
      Waiter w = waiters.poll();
      blockedNanos[w.worker] += now - w.sinceNanos;
      parked[w.worker]--;
      effects.complete(w.future, min);
    }
  }

  private void completeCutIfReached(Effects effects) {
    if (cut != null && !cutReached && (state == State.FINISHED || minClock() >= holdClock)) {
      cutReached = true;
      effects.complete(cut, holdClock);
    }
  }

  private void releaseBarrierIfComplete(Effects effects) {
    for (int w = 0; w < numWorkers; w++) {
      if (!atBarrier[w] && !finished[w]) {
        return;
      }
    }
    Arrays.fill(atBarrier, false);
    List<CompletableFuture<Void>> released = new ArrayList<>(barrierWaiters);
    barrierWaiters.clear();
    released.forEach(f -> effects.complete(f, null));
  }

  private void sampleSkew(long now, long min) {
    long max = Long.MIN_VALUE;
    for (int w = 0; w < numWorkers; w++) {
      if (!finished[w]) {
        max = Math.max(max, clocks[w]);
      }
    }
    if (skew.size() == MAX_SKEW_SAMPLES) {
      skew.subList(0, MAX_SKEW_SAMPLES / 2).clear();
    }
    skew.add(new RunStats.SkewSample(now, min, max == Long.MIN_VALUE ? min : max));
  }

  private RunFailedException notRunning(int worker) {
    return new RunFailedException(state == State.FAILED
        ? "run " + name + " failed: " + failure + " (re-register worker " + worker + " to resume)"
        : "worker " + worker + " of run " + name + " is not registered (state " + state + ")");
  }

  private void checkWorker(int worker) {
    requireArgument(worker >= 0 && worker < numWorkers, "worker id out of range: worker=%s ([0, %s)) in run %s",
        worker, numWorkers, name);
  }
}
