package io.sparkps.core.update;

/** {@code w = d}: the last push wins. Stateless, immutable and thread-safe. */
public final class AssignUpdater implements Updater {

  /** The one instance: there is nothing to configure. */
  public static final AssignUpdater INSTANCE = new AssignUpdater();

  private AssignUpdater() {}

  @Override
  public int stateWidth(int dim) {
    return 0;
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    System.arraycopy(delta, deltaOff, row, off, dim);
  }

  @Override
  public String toString() {
    return "assign";
  }
}
