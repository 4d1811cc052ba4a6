package io.sparkps.spark;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunFailedException;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.transport.PsDeadlineException;
import io.sparkps.core.transport.PsInterruptedException;
import io.sparkps.core.transport.PsTimeoutException;
import io.sparkps.core.transport.PsTransportException;
import java.io.Serializable;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;

/**
 * The body of one training task: registers the partition as worker {@code partitionId} of the run
 * (resuming it if this is a retry), runs the user's function, and finishes the worker. A worker
 * that fails aborts the run with its exception as the reason and is closed unfinished, so the other
 * workers are released at once, knowing why, instead of waiting on it. Serialised into the task
 * closure.
 */
final class PartitionWorker<T> implements Serializable {

  private static final long serialVersionUID = 1L;

  private final PsEndpoint endpoint;
  private final String run;
  private final int numWorkers;
  private final int staleness;
  private final int runAttempt;
  private final TrainFunction<T> fn;
  private final TaskCounters counters;

  PartitionWorker(PsEndpoint endpoint, String run, int numWorkers, Consistency consistency, int runAttempt,
      TrainFunction<T> fn, TaskCounters counters) {
    this.endpoint = endpoint;
    this.run = run;
    this.numWorkers = numWorkers;
    this.staleness = consistency.staleness();
    this.runAttempt = runAttempt;
    this.fn = fn;
    this.counters = counters;
  }

  Iterator<Integer> call(Iterator<T> rows) throws Exception {
    TaskContext task = TaskContext.get();
    int partition = task.partitionId();
    PsClient client = ClientRegistry.client(endpoint);
    try (Worker worker = Worker.register(client, run, partition, numWorkers, Consistency.ofStaleness(staleness))) {
      WorkerContext context = new WorkerContext(worker, numWorkers, runAttempt, task.attemptNumber(),
          task.stageAttemptNumber(), client.config().requestTimeout(), client.config().clockTimeout(), staleness);
      try {
        fn.train(context, rows);
        context.awaitClocks();
      } catch (Exception | Error e) {
        try {
          task.killTaskIfInterrupted();  // Spark killed the task: whatever failed since, it ends killed
        } catch (TaskKilledException killed) {
          killed.addSuppressed(e);
          throw killed;  // closing the worker aborts the run, without waiting on an interrupted thread
        }
        TaskKilledException ended = endedAsKilled(run, e);
        if (ended != null) {
          throw ended;  // the scheduler already failed the run, or the thread was interrupted: nothing to abort
        }
        abort(worker, e);
        throw e;
      }
      worker.finish();
      if (counters != null) {
        context.reportTo(counters);
      }
    }
    return Collections.singletonList(partition).iterator();
  }

  /**
   * The failures that end this task as killed, not failed, so Spark logs them in one line instead
   * of with a whole stack trace; null for the others, which fail the task and abort the run.
   * <ul>
   *   <li>A run the scheduler failed (a server or another worker was lost; it rolls the run back
   *       and train resubmits it), or a lost or unanswering server connection (the server died and
   *       the scheduler recovers, or the network failed and the resubmitted run reconnects):
   *       handled faults, the run goes on from its clocks.</li>
   *   <li>An interrupt ({@link PsInterruptedException}, or an {@link InterruptedException} from
   *       the user's code): someone wants the task to stop, as Spark does when it kills one; the
   *       thread keeps its interrupt flag and the run is aborted by closing the worker, not by a
   *       blocking call the interrupt would cut short.</li>
   * </ul>
   * A {@link PsDeadlineException} (a clock, pull or push waited longer than its timeout) is not
   * among them: something is stuck, the task fails with that message and aborts the run, and
   * train retries the run as for any failure. Package-private for tests.
   */
  static TaskKilledException endedAsKilled(String run, Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof TaskKilledException killed) {
        return killed;
      }
      if (t instanceof PsInterruptedException || t instanceof InterruptedException) {
        return new TaskKilledException("spark-ps training run " + run + " stopped: "
            + (t instanceof PsInterruptedException ? t.getMessage() : "the task was interrupted"));
      }
      boolean runFailed = t instanceof RunFailedException || t instanceof PsTransportException
          || t instanceof PsRemoteException r
              && (r.code() == ErrorCode.RUN_FAILED || r.code() == ErrorCode.SERVER_DEAD);
      if (runFailed) {
        String why = t instanceof PsTimeoutException ? "a parameter server did not answer in time"
            : t instanceof PsTransportException ? "a parameter server connection was lost" : t.getMessage();
        return new TaskKilledException("spark-ps training run " + run + " stopped: " + why);
      }
    }
    return null;
  }

  /**
   * Fails the run with {@code cause}'s class and message, so the workers it releases fail with the
   * reason (whichever task Spark reports first, the driver sees why); a failure to abort is added
   * to {@code cause}, and closing the worker aborts the run anyway.
   */
  private static void abort(Worker worker, Throwable cause) {
    try {
      worker.abort(cause.toString());
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
