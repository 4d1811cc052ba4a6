/**
 * Online training from Spark Structured Streaming, exactly once: {@link
 * io.sparkps.ml.streaming.PsStreamingTrainer} trains an {@link
 * io.sparkps.ml.streaming.OnlineEstimator}'s model on every micro-batch, logs each micro-batch's
 * rows and commit beside the stream's checkpoint ({@code StreamLog}), takes full checkpoints of the
 * model every few micro-batches, and rebuilds the model from them after a restart; {@link
 * io.sparkps.ml.streaming.LiveModel} follows the servers' weights for scoring. Depends on {@code
 * io.sparkps.spark} and {@code io.sparkps.ml}, never on the estimators that implement it.
 */
package io.sparkps.ml.streaming;
