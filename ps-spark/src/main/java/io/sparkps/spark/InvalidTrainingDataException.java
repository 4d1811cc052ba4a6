package io.sparkps.spark;

/**
 * The training data is wrong in a way no retry can fix: a label outside {0, 1} for a binary model,
 * a NaN or infinite feature value or weight, a negative weight, a missing feature vector, a feature
 * index beyond the model's dimension. The message names the column, the bad value, where it is
 * (row and partition when known) and what to do.
 *
 * <p>Thrown on the driver by the estimators' checks before training, or inside a training task
 * (a {@link TrainFunction} may throw it too); {@link PsContext#train} recognises it in a task
 * failure and rethrows it at once instead of resubmitting the run. Immutable.
 */
public final class InvalidTrainingDataException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidTrainingDataException(String message) {
    super(message);
  }

  public InvalidTrainingDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
