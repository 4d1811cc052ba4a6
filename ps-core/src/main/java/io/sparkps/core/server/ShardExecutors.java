package io.sparkps.core.server;

/**
 * A fixed set of single-threaded lanes; each shard is pinned to one, so operations on a shard
 * run one at a time in arrival order (no locks in stores, pushes never interleave) while
 * different shards run in parallel. Each lane queues at most {@code capacity} data requests
 * ({@link ShardLane}). Thread-safe.
 */
final class ShardExecutors implements AutoCloseable {

  private final ShardLane[] lanes;

  ShardExecutors(int threads, int capacity, String namePrefix, RejectionLog rejections) {
    lanes = new ShardLane[threads];
    for (int i = 0; i < threads; i++) {
      lanes[i] = new ShardLane(namePrefix + "-shard-" + i, capacity, rejections);
    }
  }

  /** The lane for a shard: spreads a table's shards and different tables over all lanes. */
  ShardLane laneFor(int tableId, int shard) {
    return lanes[Math.floorMod(tableId * 31 + shard, lanes.length)];
  }

  /** Data requests queued on all lanes. */
  int queued() {
    int n = 0;
    for (ShardLane lane : lanes) {
      n += lane.queued();
    }
    return n;
  }

  @Override
  public void close() {
    for (ShardLane lane : lanes) {
      lane.shutdown();
    }
    for (ShardLane lane : lanes) {
      lane.awaitTermination(10);
    }
  }
}
