package io.sparkps.core.client;

import static io.sparkps.core.check.Checks.requireArgument;
import static io.sparkps.core.check.Checks.requireState;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunFailedException;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.AbortRunMessage;
import io.sparkps.core.protocol.ClockMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.FinishWorkerMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.RunBarrierMessage;
import io.sparkps.core.protocol.WorkerHeartbeatMessage;
import io.sparkps.core.protocol.WorkerRegisteredMessage;
import io.sparkps.core.transport.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;

/**
 * One worker of a training run (in Spark: one partition's task). Pushes made through it are
 * tagged (run, worker, clock, sequence) so servers apply each exactly once, even when a retried
 * task replays them; {@link #clock()} waits for this worker's pushes to be acknowledged, reports
 * the next clock and blocks until the run's consistency model lets it go on.
 *
 * <pre>{@code
 * try (Worker w = Worker.register(client, "lr", partition, numPartitions, Consistency.ssp(2))) {
 *   for (long c = w.currentClock(); c < epochs; c = w.currentClock()) {
 *     float[] weights = table.pull(keys);          // sees every push of clocks <= c - s - 1
 *     w.push(table, keys, gradients(weights));
 *     w.clock();
 *   }
 *   w.finish();
 * }
 * }</pre>
 *
 * <p>Meant for one thread (a task): pushes must be issued in a deterministic order for replays to
 * be recognised. Heartbeats go out from the client's heartbeat thread while it is open.
 */
public final class Worker implements AutoCloseable {

  /** What to do when {@link #clock()} or {@link #barrier()} waits longer than the clock timeout. */
  private static final String CLOCK_REMEDY = "a worker of the run is slow or stuck: raise clockTimeout if its "
      + "clocks are that long, otherwise look for the worker that did not reach this clock";

  private final PsClient client;
  private final String run;
  private final long runId;
  private final int id;
  private final int epoch;
  private final ScheduledFuture<?> heartbeat;
  private final List<CompletableFuture<?>> outstanding = new ArrayList<>();
  private long clock;
  private int seq;
  private boolean finished;
  private boolean closed;
  /**
   * The last clock reported (its answer, or its failure): the next clock, the barrier and finish
   * go out only after it, since the scheduler takes a worker's clocks in order and refuses one that
   * skips ahead. Without this, a caller that does not wait for a clock's answer (ASP) could have
   * clock c + 1's pushes acknowledged, and c + 1 sent, before c.
   */
  private CompletableFuture<?> lastClock = CompletableFuture.completedFuture(null);

  private Worker(PsClient client, String run, long runId, int id, long clock, int epoch) {
    this.client = client;
    this.epoch = epoch;
    this.run = run;
    this.runId = runId;
    this.id = id;
    this.clock = clock;
    this.heartbeat = client.everyHeartbeat(() -> client.controlOneWay(new WorkerHeartbeatMessage(runId, id)));
  }

  /**
   * Registers worker {@code worker} (0-based) of a run of {@code numWorkers}; the run is created
   * by its first worker. A worker registering again (a retried task) resumes at its last clock.
   */
  public static Worker register(PsClient client, String run, int worker, int numWorkers,
      Consistency consistency) {
    requireArgument(run != null && !run.isBlank(), "run name must not be blank: run=%s", run);
    requireArgument(numWorkers >= 1, "a run needs workers: numWorkers=%s (>= 1)", numWorkers);
    requireArgument(worker >= 0 && worker < numWorkers, "worker id out of range: worker=%s ([0, %s))",
        worker, numWorkers);
    WorkerRegisteredMessage r = (WorkerRegisteredMessage) Await.result(
        client.control(new RegisterWorkerMessage(run, worker, numWorkers, consistency.staleness()),
            client.config().requestTimeout()), client.config().requestTimeout(),
        "registering worker " + worker + " of run " + run, PsClient.REQUEST_REMEDY);
    // Connect up front: with every connection open, pushes leave in the order they are made,
    // which is what lets servers recognise replays by (clock, seq).
    Await.result(client.connectAll(), client.config().connectTimeout(), "connecting to the servers");
    return new Worker(client, run, r.runId(), worker, r.clock(), r.epoch());
  }

  public String run() {
    return run;
  }

  public int id() {
    return id;
  }

  /** Clocks this worker has completed: 0 before the first {@link #clock()}. */
  public synchronized long currentClock() {
    return clock;
  }

  /**
   * Pushes through the table's updater, tagged for exactly-once application. The arrays may be
   * reused as soon as this returns (the values are copied).
   */
  public CompletableFuture<Void> pushAsync(Table table, long[] keys, float[] values) {
    table.checkValues(keys, values);
    return pushAsync(table, keys, 0, keys.length, values, 0, false);
  }

  /**
   * Pushes the rows of {@code keys[from, to)} with values from the caller's array, tagged like
   * {@link #pushAsync(Table, long[], float[])}; the arrays belong to the library until the future
   * completes (see {@link Table#pushAsync(long[], int, int, float[], int)}, which also lists the
   * {@link IllegalArgumentException}s).
   */
  public CompletableFuture<Void> pushAsync(Table table, long[] keys, int from, int to, float[] values,
      int valuesOffset) {
    table.checkKeys(keys, from, to);
    table.checkRows("values", values, valuesOffset, to - from);
    return pushAsync(table, keys, from, to, values, valuesOffset, true);
  }

  /**
   * Pushes the rows of keys split beforehand ({@link Table#slices}) with values from the caller's
   * array (row {@code i} at {@code values[valuesOffset + i*dim]}), tagged like
   * {@link #pushAsync(Table, long[], float[])}. The values are copied: the array may be reused as
   * soon as this returns.
   *
   * @throws IllegalArgumentException if the slices were made for another table or {@code values}
   *     lacks {@code keys.size() x dim} floats from {@code valuesOffset}; nothing is sent
   */
  public synchronized CompletableFuture<Void> pushAsync(Table table, KeySlices keys, float[] values, int valuesOffset) {
    TableRoute route = table.checkSlices(keys);
    table.checkRows("values", values, valuesOffset, keys.size());
    requireState(!closed && !finished, "worker %s of run %s is %s", id, run, closed ? "closed" : "finished");
    long at = clock;
    CompletableFuture<Void> f = table.write(route, keys.slices, values, valuesOffset, PushMode.UPDATE,
        () -> new PushId(runId, id, at, seq++, epoch), false, client.callbacks());
    outstanding.add(f);
    return f;
  }

  private synchronized CompletableFuture<Void> pushAsync(Table table, long[] keys, int from, int to, float[] values,
      int valuesOffset, boolean share) {
    requireState(!closed && !finished, "worker %s of run %s is %s", id, run, closed ? "closed" : "finished");
    long at = clock;
    CompletableFuture<Void> f = table.write(keys, from, to, values, valuesOffset, PushMode.UPDATE,
        () -> new PushId(runId, id, at, seq++, epoch), share, client.callbacks());
    outstanding.add(f);
    return f;
  }

  public void push(Table table, long[] keys, float[] values) {
    table.checkValues(keys, values);
    push(table, keys, 0, keys.length, values, 0);
  }

  /** Blocking {@link #pushAsync(Table, long[], int, int, float[], int)}. */
  public void push(Table table, long[] keys, int from, int to, float[] values, int valuesOffset) {
    table.checkKeys(keys, from, to);
    table.checkRows("values", values, valuesOffset, to - from);
    CompletableFuture<Void> f;
    synchronized (this) {
      requireState(!closed && !finished, "worker %s of run %s is %s", id, run, closed ? "closed" : "finished");
      long at = clock;
      // Completed on the I/O thread (see Gather): it never leaves this method...
      f = table.write(keys, from, to, values, valuesOffset, PushMode.UPDATE,
          () -> new PushId(runId, id, at, seq++, epoch), true, null);
    }
    try {
      Await.result(f, client.config().requestTimeout(), "push by worker " + id, PsClient.REQUEST_REMEDY);
    } finally {
      if (!f.isDone() || f.isCompletedExceptionally()) {
        // ...unless the wait gave up or it failed: then clock() must still wait for (or fail with) it,
        // through a hop to the callback threads so clock()'s continuation never runs on the I/O thread.
        synchronized (this) {
          outstanding.add(f.whenCompleteAsync((v, t) -> { }, client.callbacks()));
        }
      }
    }
  }

  /**
   * Ends this worker's current clock: once its pushes are acknowledged, reports the next clock
   * and completes (with the slowest worker's clock) when the consistency model lets this worker
   * proceed. Pushes made after this call belong to the next clock. Fails with
   * {@link RunFailedException} if the run fails meanwhile. A caller need not wait for one clock's
   * answer before the next (an ASP worker gains a round trip per clock): each is reported only
   * after the one before it was answered, and fails if that one failed.
   */
  public CompletableFuture<Long> clockAsync() {
    List<CompletableFuture<?>> pending;
    long next;
    synchronized (this) {
      requireState(!closed && !finished, "worker %s of run %s is %s", id, run, closed ? "closed" : "finished");
      pending = drainOutstanding();
      next = ++clock;
      seq = 0;
      CompletableFuture<Long> answered = CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
          .thenCompose(v -> client.control(new ClockMessage(runId, id, next), client.config().clockTimeout()))
          .handle((m, err) -> {
            if (err != null) {
              throw asRunFailure(err);
            }
            return ((CountMessage) m).count();
          });
      lastClock = answered;
      return answered;
    }
  }

  /** Blocking {@link #clockAsync()}, bounded by the clock timeout. */
  public long clock() {
    return Await.result(clockAsync(), client.config().clockTimeout(), "clock of worker " + id + " in run " + run,
        CLOCK_REMEDY);
  }

  /** Waits for this worker's pushes, then for every unfinished worker of the run to arrive. */
  public CompletableFuture<Void> barrierAsync() {
    List<CompletableFuture<?>> pending;
    synchronized (this) {
      requireState(!closed && !finished, "worker %s of run %s is %s", id, run, closed ? "closed" : "finished");
      pending = drainOutstanding();
    }
    return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .thenCompose(v -> client.control(new RunBarrierMessage(runId, id), client.config().clockTimeout()))
        .handle((m, err) -> {
          if (err != null) {
            throw asRunFailure(err);
          }
          return null;
        });
  }

  public void barrier() {
    Await.result(barrierAsync(), client.config().clockTimeout(), "barrier of worker " + id + " in run " + run,
        CLOCK_REMEDY);
  }

  /**
   * Moves this worker back to {@code earlierClock} to replay its work from there (a retried task
   * restarting from a checkpoint): pushes it re-sends are recognised by the servers and not
   * applied twice, and clocks it re-reports are accepted.
   */
  public synchronized void resumeFrom(long earlierClock) {
    requireArgument(earlierClock >= 0 && earlierClock <= clock,
        "can only resume from an earlier clock: earlierClock=%s ([0, %s])", earlierClock, clock);
    clock = earlierClock;
    seq = 0;
    lastClock = CompletableFuture.completedFuture(null);  // the replay re-reports from here
  }

  /** Waits for outstanding pushes and tells the scheduler this worker is done; it stops gating others. */
  public void finish() {
    List<CompletableFuture<?>> pending;
    synchronized (this) {
      if (finished) {
        return;
      }
      pending = drainOutstanding();
    }
    Await.result(CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .thenCompose(v -> client.control(new FinishWorkerMessage(runId, id), client.config().requestTimeout())),
        client.config().requestTimeout(), "finishing worker " + id + " of run " + run,
        PsClient.REQUEST_REMEDY);
    synchronized (this) {
      finished = true;
    }
    heartbeat.cancel(false);
  }

  /** Fails the whole run: every worker waiting in it is released with {@link RunFailedException}. */
  public void abort(String reason) {
    Await.result(client.control(new AbortRunMessage(runId, id, "worker " + id + ": " + reason),
        client.config().requestTimeout()), client.config().requestTimeout(), "aborting run " + run,
        PsClient.REQUEST_REMEDY);
  }

  /**
   * Stops heartbeats. A worker closed before {@link #finish()} failed its task: the run is
   * aborted at once so the other workers are released instead of waiting for a timeout; a retried
   * task registering again resumes it.
   */
  @Override
  public void close() {
    boolean abort;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      abort = !finished;
    }
    heartbeat.cancel(false);
    if (abort) {
      client.control(new AbortRunMessage(runId, id, "worker " + id + " closed before finishing"),
          client.config().requestTimeout());
    }
  }

  /** The pushes since the last clock, and the last clock itself (see {@link #lastClock}). */
  private List<CompletableFuture<?>> drainOutstanding() {
    List<CompletableFuture<?>> pending = new ArrayList<>(outstanding);
    pending.add(lastClock);
    outstanding.clear();
    return pending;
  }

  private static RuntimeException asRunFailure(Throwable err) {
    Throwable c = ErrorMapping.unwrap(err);
    if (c instanceof PsRemoteException r && r.code() == ErrorCode.RUN_FAILED) {
      return new RunFailedException(r.detail());
    }
    return c instanceof RuntimeException re ? re : new CompletionException(c);
  }
}
