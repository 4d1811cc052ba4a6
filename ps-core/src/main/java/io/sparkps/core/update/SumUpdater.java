package io.sparkps.core.update;

/** {@code w += d}: pushes are increments. Stateless, immutable and thread-safe. */
public final class SumUpdater implements Updater {

  /** The one instance: there is nothing to configure. */
  public static final SumUpdater INSTANCE = new SumUpdater();

  private SumUpdater() {}

  @Override
  public int stateWidth(int dim) {
    return 0;
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    // float + float rounded once is what double-then-round would give, so plain float is exact here.
    for (int i = 0; i < dim; i++) {
      row[off + i] += delta[deltaOff + i];
    }
  }

  @Override
  public String toString() {
    return "sum";
  }
}
