package io.sparkps.spark;

import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunFailedException;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.transport.PsTransportException;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
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

  PartitionWorker(PsEndpoint endpoint, String run, int numWorkers, Consistency consistency, int runAttempt,
      TrainFunction<T> fn) {
    this.endpoint = endpoint;
    this.run = run;
    this.numWorkers = numWorkers;
    this.staleness = consistency.staleness();
    this.runAttempt = runAttempt;
    this.fn = fn;
  }

  Iterator<Integer> call(Iterator<T> rows) throws Exception {
    TaskContext task = TaskContext.get();
    int partition = task.partitionId();
    try (Worker worker = Worker.register(ClientRegistry.client(endpoint), run, partition, numWorkers,
        Consistency.ofStaleness(staleness))) {
      try {
        fn.train(new WorkerContext(worker, numWorkers, runAttempt, task.attemptNumber(),
            task.stageAttemptNumber()), rows);
      } catch (Exception | Error e) {
        TaskKilledException rolledBack = rolledBack(e);
        if (rolledBack != null) {
          throw rolledBack;  // the scheduler already failed the run: nothing to abort
        }
        abort(worker, e);
        throw e;
      }
      worker.finish();
    }
    return Collections.singletonList(partition).iterator();
  }

  /**
   * A run the scheduler failed (a server or another worker was lost; it rolls the run back and
   * train resubmits it) ends this task as killed, not failed: that is a handled fault, and Spark
   * logs a failed task with its whole stack trace, a killed one in one line.
   */
  private TaskKilledException rolledBack(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // A lost connection to a server: it died (the scheduler fails the run and recovers) or the
      // network failed (the resubmitted run reconnects). Either way the run goes on from its clocks.
      boolean runFailed = t instanceof RunFailedException || t instanceof PsTransportException
          || t instanceof PsRemoteException r
              && (r.code() == ErrorCode.RUN_FAILED || r.code() == ErrorCode.SERVER_DEAD);
      if (runFailed) {
        String why = t instanceof PsTransportException ? "a parameter server connection was lost" : t.getMessage();
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
