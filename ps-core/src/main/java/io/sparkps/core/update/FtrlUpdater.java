package io.sparkps.core.update;

/**
 * FTRL-proximal (McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches", Alg. 1),
 * per coordinate: {@code sigma = (sqrt(n + g^2) - sqrt(n)) / alpha; z += g - sigma w; n += g^2;
 * w = |z| <= l1 ? 0 : -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)}.
 * State: {@code z[dim], n[dim]}; the weights are recomputed from them on every push, so the
 * initializer's values only matter until a row's first push. Each element is computed in double
 * and stored as float. Immutable and thread-safe.
 */
public final class FtrlUpdater implements Updater {

  private final double alpha;
  private final double beta;
  private final double l1;
  private final double l2;

  public FtrlUpdater(double alpha, double beta, double l1, double l2) {
    UpdaterSpec.ftrl(alpha, beta, l1, l2);  // same validation and message as the client-side factory
    this.alpha = alpha;
    this.beta = beta;
    this.l1 = l1;
    this.l2 = l2;
  }

  @Override
  public int stateWidth(int dim) {
    return 2 * dim;
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    int zOff = off + dim;
    int nOff = zOff + dim;
    for (int i = 0; i < dim; i++) {
      double g = delta[deltaOff + i];
      double n = row[nOff + i];
      double nNew = n + g * g;
      double sqrtNew = Math.sqrt(nNew);
      double sigma = (sqrtNew - Math.sqrt(n)) / alpha;
      double z = row[zOff + i] + g - sigma * row[off + i];
      row[zOff + i] = (float) z;
      row[nOff + i] = (float) nNew;
      double w = Math.abs(z) <= l1 ? 0.0 : -(z - Math.signum(z) * l1) / ((beta + sqrtNew) / alpha + l2);
      row[off + i] = (float) w;
    }
  }

  @Override
  public String toString() {
    return "ftrl(alpha=" + alpha + ", beta=" + beta + ", l1=" + l1 + ", l2=" + l2 + ")";
  }
}
