package io.sparkps.spark;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.client.KeySlices;
import io.sparkps.core.client.Worker;
import io.sparkps.core.transport.Await;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A training worker inside a Spark task: the partition is the worker id; clocks and barriers go
 * through the parameter-server scheduler (not Spark's barrier(), which costs about a second per
 * call); pushes are tagged so retried tasks never apply an update twice. For one task thread.
 */
public final class WorkerContext {

  private final Worker worker;
  private final int numWorkers;
  private final int runAttempt;
  private final int taskAttempt;
  private final int stageAttempt;
  private final Duration requestTimeout;
  private final Duration clockTimeout;
  /** -1 ASP (no clock's answer ever holds this worker back), 0 BSP, s SSP(s). */
  private final int staleness;
  /** Clocks {@link #clockWithoutWaiting} reported and nobody has waited for yet, oldest first. */
  private final ArrayDeque<CompletableFuture<Long>> clocksInFlight = new ArrayDeque<>();
  /** The pushes made through this context since the last clock, for {@link #awaitPushes}. */
  private final List<CompletableFuture<Void>> pushes = new ArrayList<>();
  // What this task did, for its TaskCounters: plain fields (one thread), added to the accumulators once.
  private long keysPulled;
  private long keysPushed;
  private long clockWaitNanos;
  private long rowsTrained;

  WorkerContext(Worker worker, int numWorkers, int runAttempt, int taskAttempt, int stageAttempt,
      Duration requestTimeout, Duration clockTimeout, int staleness) {
    this.worker = worker;
    this.numWorkers = numWorkers;
    this.runAttempt = runAttempt;
    this.taskAttempt = taskAttempt;
    this.stageAttempt = stageAttempt;
    this.requestTimeout = requestTimeout;
    this.clockTimeout = clockTimeout;
    this.staleness = staleness;
  }

  /** This worker's id: the partition index. */
  public int id() {
    return worker.id();
  }

  /** The run's staleness bound: -1 ASP, 0 BSP, s SSP(s). */
  public int staleness() {
    return staleness;
  }

  public int numWorkers() {
    return numWorkers;
  }

  /** How many times {@link PsContext#train} resubmitted this run before this attempt (0 first). */
  public int runAttempt() {
    return runAttempt;
  }

  /** Spark's task attempt number. */
  public int taskAttempt() {
    return taskAttempt;
  }

  /** Spark's stage attempt number (a resubmitted barrier stage bumps this, not the task attempt). */
  public int stageAttempt() {
    return stageAttempt;
  }

  /** Clocks completed: where a resumed worker continues. */
  public long currentClock() {
    return worker.currentClock();
  }

  /**
   * Waits for this worker's pushes, reports the clock and blocks until the consistency model allows.
   * The time spent here counts as the task's clock wait ({@link TaskCounters#CLOCK_WAIT_MS}).
   */
  public long clock() {
    pushes.clear();
    long start = System.nanoTime();
    try {
      return worker.clock();
    } finally {
      clockWaitNanos += System.nanoTime() - start;
    }
  }

  public CompletableFuture<Long> clockAsync() {
    pushes.clear();
    return worker.clockAsync();
  }

  /**
   * Ends the clock as {@link #clock()} does, except that in an ASP run it does not wait for the
   * answer, which never holds an ASP worker back: waiting only adds a round trip (for the pushes'
   * acknowledgements, then the scheduler's answer) to every clock. At most {@code maxInFlight}
   * clocks stay unanswered; beyond that it waits for the oldest, and a failed one (the run
   * failed) throws here as from {@link #clock()}. The worker's next pulls still see its own
   * pushes: a connection delivers them to each shard in the order they were sent. Other runs:
   * {@link #clock()}. The task waits for the rest when the function returns.
   */
  public void clockWithoutWaiting(int maxInFlight) {
    requireArgument(maxInFlight >= 1, "maxInFlight must be >= 1: maxInFlight=%s", maxInFlight);
    if (staleness >= 0) {
      clock();
      return;
    }
    pushes.clear();
    clocksInFlight.add(worker.clockAsync());
    while (clocksInFlight.size() > maxInFlight || (!clocksInFlight.isEmpty() && clocksInFlight.peek().isDone())) {
      awaitClock(clocksInFlight.poll());
    }
  }

  /** Waits for the clocks {@link #clockWithoutWaiting} left unanswered, oldest first. */
  void awaitClocks() {
    while (!clocksInFlight.isEmpty()) {
      awaitClock(clocksInFlight.poll());
    }
  }

  /** Waits for a clock's answer; the time counts as clock wait, as in {@link #clock()}. */
  private void awaitClock(CompletableFuture<Long> f) {
    long start = System.nanoTime();
    try {
      Await.result(f, clockTimeout, "clock of worker " + id());
    } finally {
      clockWaitNanos += System.nanoTime() - start;
    }
  }

  /**
   * Waits (at most the request timeout each) for the acknowledgements of the pushes made through
   * this context since the last clock. {@link #clock()} waits for them anyway; calling this first
   * tells the time spent waiting for pushes apart from the time spent at the clock's gate.
   */
  public void awaitPushes() {
    for (CompletableFuture<Void> f : pushes) {
      Await.result(f, requestTimeout, "push by worker " + id());
    }
  }

  /** Pushes through the table's updater, applied exactly once even if this task is retried. */
  public void push(TableHandle table, long[] keys, float[] values) {
    worker.push(table.table(), keys, values);
    keysPushed += keys.length;
  }

  public CompletableFuture<Void> pushAsync(TableHandle table, long[] keys, float[] values) {
    CompletableFuture<Void> f = worker.pushAsync(table.table(), keys, values);
    keysPushed += keys.length;
    pushes.add(f);
    return f;
  }

  /**
   * Pushes the rows of keys split beforehand ({@link TableHandle#slices}), values from
   * {@code values[valuesOffset]} on, applied exactly once; the values are copied, so the array may
   * be reused as soon as this returns.
   */
  public CompletableFuture<Void> pushAsync(TableHandle table, KeySlices keys, float[] values, int valuesOffset) {
    CompletableFuture<Void> f = worker.pushAsync(table.table(), keys, values, valuesOffset);
    keysPushed += keys.size();
    pushes.add(f);
    return f;
  }

  /**
   * Counts {@code keys} pulled by this task, for the Spark UI's {@link TaskCounters#KEYS_PULLED}
   * (pulls go through table handles, which do not know the task). A field update: call it per pull.
   */
  public void countPulled(long keys) {
    keysPulled += keys;
  }

  /** Counts {@code rows} trained by this task, for the Spark UI's {@link TaskCounters#ROWS_TRAINED}. */
  public void countRows(long rows) {
    rowsTrained += rows;
  }

  /** Adds what this task counted to {@code counters} (once, when the task is done). */
  void reportTo(TaskCounters counters) {
    counters.add(keysPulled, keysPushed, clockWaitNanos, rowsTrained);
  }

  /** The ps-core worker, for what is not mirrored here. */
  public Worker worker() {
    return worker;
  }
}
