package io.sparkps.core.it;

import io.sparkps.core.update.Updater;

/** A user updater loaded by class name: keeps the element-wise maximum (rows start at zero). */
public final class MaxUpdater implements Updater {

  @Override
  public int stateWidth(int dim) {
    return 0;
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    for (int i = 0; i < dim; i++) {
      row[off + i] = Math.max(row[off + i], delta[deltaOff + i]);
    }
  }
}
