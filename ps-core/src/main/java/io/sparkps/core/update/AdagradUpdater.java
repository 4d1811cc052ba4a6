package io.sparkps.core.update;

/**
 * AdaGrad (Duchi et al. 2011): per coordinate {@code n += g^2; w -= lr * g / (sqrt(n) + eps)},
 * with {@code n} starting at {@code initialAccumulator} (0 is the textbook form; 1.0 damps the
 * first, otherwise full-size, steps of rare features). State: {@code n[dim]}. Each element is
 * computed in double and stored as float. Immutable and thread-safe.
 */
public final class AdagradUpdater implements Updater {

  private final double lr;
  private final double eps;
  private final float initialAccumulator;

  public AdagradUpdater(double lr, double eps) {
    this(lr, eps, 0);
  }

  public AdagradUpdater(double lr, double eps, double initialAccumulator) {
    UpdaterSpec.adagrad(lr, eps, initialAccumulator);  // same validation and message as the factory
    this.lr = lr;
    this.eps = eps;
    this.initialAccumulator = (float) initialAccumulator;
  }

  @Override
  public int stateWidth(int dim) {
    return dim;
  }

  @Override
  public void initState(float[] row, int off, int dim) {
    if (initialAccumulator != 0) {
      java.util.Arrays.fill(row, off + dim, off + 2 * dim, initialAccumulator);
    }
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    int nOff = off + dim;
    for (int i = 0; i < dim; i++) {
      double g = delta[deltaOff + i];
      double n = row[nOff + i] + g * g;
      row[nOff + i] = (float) n;
      row[off + i] = (float) (row[off + i] - lr * g / (Math.sqrt(n) + eps));
    }
  }

  @Override
  public String toString() {
    return "adagrad(lr=" + lr + ", eps=" + eps + ", initialAccumulator=" + initialAccumulator + ")";
  }
}
