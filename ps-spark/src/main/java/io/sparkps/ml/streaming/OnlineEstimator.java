package io.sparkps.ml.streaming;

/**
 * An estimator that can also train online, from a stream ({@link PsStreamingTrainer}).
 *
 * @param <M> the model it fits, and that a streaming snapshot gives
 */
public interface OnlineEstimator<M> {

  /** Its online form, with its current parameters, keeping its state in tables named after {@code modelName}. */
  OnlineLearner<M> onlineLearner(String modelName);
}
