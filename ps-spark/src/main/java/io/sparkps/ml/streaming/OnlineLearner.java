package io.sparkps.ml.streaming;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.TrainFunction;
import java.util.List;
import org.apache.spark.sql.Dataset;

/**
 * What {@link PsStreamingTrainer} needs from a model to train it online: the tables holding its
 * state, how one micro-batch's rows are converted and trained, and how the state becomes a
 * regular model. An estimator supplies one through {@link OnlineEstimator#onlineLearner}.
 * Driver-side; the training functions it returns are shipped to the workers.
 *
 * @param <M> the model a snapshot gives
 */
public interface OnlineLearner<M> {

  /** The tables holding the model's whole state (weights and optimizer state); checkpointed and restored together. */
  List<TableSpec> tables();

  /** How a micro-batch's workers are gated (BSP, SSP, ASP). */
  Consistency consistency();

  /** A micro-batch's rows, converted and laid out over the workers; bad rows are skipped and counted. */
  BatchRows rows(PsContext ps, Dataset<?> batch);

  /**
   * The function each worker runs on its rows of one micro-batch: mini-batches, a clock each
   * (the worker resumes from {@code worker.currentClock()} after a retry). Each mini-batch also
   * pushes, with its clock, (summed loss, summed weight, rows) to row {@code slot} of {@code
   * totals}, so the trainer learns how many rows reached the model and their progressive loss.
   */
  TrainFunction<SparseExample> batchFunction(PsContext ps, DenseTableHandle totals, int slot);

  /** The model as the servers hold it now, for vectors of {@code numFeatures} features. */
  M snapshot(PsContext ps, long numFeatures);
}
