package io.sparkps.core.it;

import io.sparkps.core.update.Updater;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A sum updater that holds its shard lane when it is pushed the value {@link #BLOCK}: it counts
 * {@link #entered} down, then waits (bounded) for {@link #release}. Tests reset both first.
 */
public final class BlockingUpdater implements Updater {

  static final float BLOCK = 42f;
  static volatile CountDownLatch entered = new CountDownLatch(1);
  static volatile CountDownLatch release = new CountDownLatch(1);

  static void reset() {
    entered = new CountDownLatch(1);
    release = new CountDownLatch(1);
  }

  @Override
  public int stateWidth(int dim) {
    return 0;
  }

  @Override
  public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
    if (delta[deltaOff] == BLOCK) {
      entered.countDown();
      try {
        if (!release.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("BlockingUpdater was not released within 20 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while blocking the lane", e);
      }
    }
    for (int i = 0; i < dim; i++) {
      row[off + i] += delta[deltaOff + i];
    }
  }
}
