package io.sparkps.core.server;

import io.sparkps.core.storage.SparseShardStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes rows whose write-time expiry has passed from shards that writes no longer reach. Writes
 * pay for sweeping their own shard; a shard nobody writes to any more would hold its stale rows
 * (invisible to pulls, but in memory) forever. Every tick, each hosted shard of a table with
 * {@code expireAfterWrite} gets one bounded sweep on its own lane, queued behind its requests.
 * Clock-based expiry needs no timer: a shard's clock only moves with writes. Thread-safe.
 */
final class IdleSweeps implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IdleSweeps.class);
  /** Slots one tick examines per shard: about a millisecond of lane time. */
  static final int SLOTS_PER_TICK = 1 << 16;

  private final HostedShards shards;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ps-server-idle-sweeps");
    t.setDaemon(true);
    return t;
  });

  IdleSweeps(HostedShards shards) {
    this.shards = shards;
  }

  /** Sweeps every {@code every} from now on. */
  void start(Duration every) {
    long nanos = every.toNanos();
    timer.scheduleWithFixedDelay(() -> sweep().whenComplete((evicted, err) -> {
      if (err != null) {
        LOG.warn("Parameter server {}: sweeping expired rows of idle shards failed: {}", shards.serverId(),
            err.toString());
      }
    }), nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * One sweep of each expiring shard, each on its lane; completes with the rows removed. A shard
   * dropped before its turn is skipped.
   */
  CompletableFuture<Integer> sweep() {
    List<CompletableFuture<Integer>> swept = new ArrayList<>();
    for (HostedShard s : shards.all()) {
      if (s.spec().lifecycle().expireAfterMillis() > 0 && s.store() instanceof SparseShardStore store) {
        swept.add(CompletableFuture.supplyAsync(() -> store.isOpen() ? store.sweep(SLOTS_PER_TICK) : 0,
            s.executor()));
      }
    }
    return CompletableFuture.allOf(swept.toArray(CompletableFuture[]::new))
        .thenApply(v -> swept.stream().mapToInt(CompletableFuture::join).sum());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
