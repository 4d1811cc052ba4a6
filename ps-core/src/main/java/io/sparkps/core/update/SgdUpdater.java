package io.sparkps.core.update;

/**
 * Plain SGD, {@code w -= lr * g}, computed in double and rounded once to float like every
 * built-in. Immutable and thread-safe.
 */
public final class SgdUpdater implements Updater {

  private final double lr;

  public SgdUpdater(double lr) {
    UpdaterSpec.sgd(lr);  // same validation and message as the client-side factory
    this.lr = lr;
  }

  @Override
  public int stateWidth(int dim) {
    return 0;
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    for (int i = 0; i < dim; i++) {
      row[off + i] = (float) (row[off + i] - lr * delta[deltaOff + i]);
    }
  }

  @Override
  public String toString() {
    return "sgd(lr=" + lr + ")";
  }
}
