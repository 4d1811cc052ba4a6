package io.sparkps.ml.classification;

import java.util.function.BooleanSupplier;

/**
 * Early stopping on the training loss: stop once an epoch changes it by less than {@code tol}.
 * Driver-side, single-threaded.
 */
final class TolStop implements BooleanSupplier {

  private final double tol;
  private double last = Double.NaN;
  private boolean stop;

  TolStop(double tol) {
    this.tol = tol;
  }

  void observe(double loss) {
    if (!Double.isNaN(last) && Math.abs(last - loss) < tol) {
      stop = true;
    }
    last = loss;
  }

  /** True when training should end. */
  @Override
  public boolean getAsBoolean() {
    return stop;
  }
}
