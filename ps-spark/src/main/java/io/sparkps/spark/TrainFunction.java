package io.sparkps.spark;

import java.io.Serializable;
import java.util.Iterator;

/**
 * What one worker (one partition) does in {@link PsContext#train} (or {@link Training#run}, the
 * form Scala infers the lambda's parameter types for): read its rows, pull, compute,
 * push through the {@link WorkerContext}, and call {@code clock()} per iteration. It must be
 * resumable: a resubmitted run starts it again with {@code worker.currentClock()} at the clock to
 * continue from, and the same rows.
 */
@FunctionalInterface
public interface TrainFunction<T> extends Serializable {

  void train(WorkerContext worker, Iterator<T> rows) throws Exception;
}
