package io.sparkps.core.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of single-threaded executors; each shard is pinned to one, so operations on a
 * shard run one at a time in arrival order (no locks in stores, pushes never interleave) while
 * different shards run in parallel. Thread-safe.
 */
final class ShardExecutors implements AutoCloseable {

  private final ExecutorService[] lanes;

  ShardExecutors(int threads, String namePrefix) {
    lanes = new ExecutorService[threads];
    for (int i = 0; i < threads; i++) {
      String name = namePrefix + "-shard-" + i;
      lanes[i] = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      });
    }
  }

  /** The lane for a shard: spreads a table's shards and different tables over all lanes. */
  ExecutorService laneFor(int tableId, int shard) {
    return lanes[Math.floorMod(tableId * 31 + shard, lanes.length)];
  }

  @Override
  public void close() {
    for (ExecutorService lane : lanes) {
      lane.shutdown();
    }
    for (ExecutorService lane : lanes) {
      try {
        if (!lane.awaitTermination(10, TimeUnit.SECONDS)) {
          lane.shutdownNow();
        }
      } catch (InterruptedException e) {
        lane.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
