package io.sparkps.ml.streaming;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A worker's part of a micro-batch: logs its rows durably ({@link ExampleFiles}) before training
 * on them, so that the micro-batch, once committed, can be trained again into a model restored
 * from an older full checkpoint. A retried task logs the same rows again. Immutable; shipped to
 * the workers.
 */
final class RowLoggingFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  private final TrainFunction<SparseExample> train;
  private final String rowsDir;

  RowLoggingFunction(TrainFunction<SparseExample> train, String rowsDir) {
    this.train = train;
    this.rowsDir = rowsDir;
  }

  @Override
  public void train(WorkerContext worker, Iterator<SparseExample> rows) throws Exception {
    List<SparseExample> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    CheckpointFiles files = CheckpointFiles.forPath(rowsDir);
    ExampleFiles.write(files, StreamLog.partPath(files, rowsDir, worker.id()), all,
        worker.stageAttempt() + "-" + worker.taskAttempt());
    train.train(worker, all.iterator());
  }
}
