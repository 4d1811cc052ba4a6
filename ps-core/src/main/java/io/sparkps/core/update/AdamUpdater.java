package io.sparkps.core.update;

/**
 * Adam (Kingma and Ba 2015) with bias correction: {@code m = b1 m + (1-b1) g;
 * v = b2 v + (1-b2) g^2; w -= lr * mhat / (sqrt(vhat) + eps)} where {@code mhat = m / (1-b1^t)},
 * {@code vhat = v / (1-b2^t)} and {@code t} counts the pushes applied to this row.
 * State: {@code m[dim], v[dim], t}. Each element is computed in double and stored as float.
 *
 * <p>{@code t} is kept as a float, exact up to 2^24 steps per row; past that it stops growing,
 * which is harmless because both corrections are then 1 to float precision for any beta below
 * 1 - 1e-6. Immutable and thread-safe.
 */
public final class AdamUpdater implements Updater {

  /** Where t stops growing: the largest float integer n such that n + 1 is still exact. */
  private static final float MAX_STEP = 1 << 24;

  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final BiasCorrection correction1;
  private final BiasCorrection correction2;

  public AdamUpdater(double lr, double beta1, double beta2, double eps) {
    UpdaterSpec.adam(lr, beta1, beta2, eps);  // same validation and message as the client-side factory
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.correction1 = new BiasCorrection(beta1);
    this.correction2 = new BiasCorrection(beta2);
  }

  @Override
  public int stateWidth(int dim) {
    return 2 * dim + 1;
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    int mOff = off + dim;
    int vOff = mOff + dim;
    int tOff = vOff + dim;
    float t = Math.min(row[tOff] + 1f, MAX_STEP);
    row[tOff] = t;
    double c1 = correction1.at(t);
    double c2 = correction2.at(t);
    for (int i = 0; i < dim; i++) {
      double g = delta[deltaOff + i];
      double m = beta1 * row[mOff + i] + (1.0 - beta1) * g;
      double v = beta2 * row[vOff + i] + (1.0 - beta2) * g * g;
      row[mOff + i] = (float) m;
      row[vOff + i] = (float) v;
      row[off + i] = (float) (row[off + i] - lr * (m / c1) / (Math.sqrt(v / c2) + eps));
    }
  }

  @Override
  public String toString() {
    return "adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")";
  }
}
