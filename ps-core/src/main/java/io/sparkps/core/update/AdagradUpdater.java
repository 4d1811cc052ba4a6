package io.sparkps.core.update;

/**
 * AdaGrad (Duchi et al. 2011): per coordinate {@code n += g^2; w -= lr * g / (sqrt(n) + eps)}.
 * State: {@code n[dim]}. Each element is computed in double and stored as float.
 * Immutable and thread-safe.
 */
public final class AdagradUpdater implements Updater {

  private final double lr;
  private final double eps;

  public AdagradUpdater(double lr, double eps) {
    UpdaterSpec.adagrad(lr, eps);  // same validation and message as the client-side factory
    this.lr = lr;
    this.eps = eps;
  }

  @Override
  public int stateWidth(int dim) {
    return dim;
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
    return "adagrad(lr=" + lr + ", eps=" + eps + ")";
  }
}
