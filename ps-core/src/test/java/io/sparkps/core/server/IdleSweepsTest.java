package io.sparkps.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.storage.FeatureEvents;
import io.sparkps.core.storage.Initializer;
import io.sparkps.core.storage.SparseShardStore;
import io.sparkps.core.testing.FakeTicker;
import io.sparkps.core.update.SumUpdater;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Shards that no write reaches any more still lose their rows once the write-time expiry has
 * passed: each idle sweep runs on the shard's lane, counts what it removed, and skips shards
 * without write-time expiry and shards dropped before their turn.
 */
class IdleSweepsTest {

  private final FakeTicker ticker = new FakeTicker();
  private final AtomicLong evicted = new AtomicLong();
  private final FeatureEvents events = new FeatureEvents() {
    @Override
    public void evicted(int rows) {
      evicted.addAndGet(rows);
    }

    @Override
    public void admitted(int keys) {}

    @Override
    public void deferred(int keys) {}
  };

  private HostedShard shard(ShardExecutors lanes, int tableId, TableSpec spec) {
    SparseShardStore store = new SparseShardStore(1, SumUpdater.INSTANCE, Initializer.of(InitializerSpec.constant(0)),
        0, spec.lifecycle(), ticker, events);
    long[] keys = LongStream.range(0, 5_000).toArray();
    store.push(keys, 0, keys.length, new float[keys.length], 0);
    return new HostedShard(tableId, 0, spec, 0, 0, store, lanes.laneFor(tableId, 0), new PushDedupe(), 0);
  }

  @Test
  void idleShardsLoseTheirExpiredRowsOnTheirLanes() throws Exception {
    ShardExecutors lanes = new ShardExecutors(2, 16, "test", new RejectionLog(Ticker.systemTicker()));
    try {
      HostedShards shards = new HostedShards(() -> 1);
      HostedShard expiring = shard(lanes, 1, TableSpec.sparse("hot", 1).withExpireAfterWrite(Duration.ofSeconds(1)));
      HostedShard byClocks = shard(lanes, 2, TableSpec.sparse("clocked", 1).withExpireAfterClocks(1));
      HostedShard plain = shard(lanes, 3, TableSpec.sparse("plain", 1));
      HostedShard dropped = shard(lanes, 4, TableSpec.sparse("gone", 1).withExpireAfterWrite(Duration.ofSeconds(1)));
      for (HostedShard s : new HostedShard[] {expiring, byClocks, plain, dropped}) {
        shards.add(s);
      }
      IdleSweeps idle = new IdleSweeps(shards);  // never started: the test sweeps by hand
      assertEquals(0, idle.sweep().get(10, TimeUnit.SECONDS), "nothing has expired yet");

      ticker.advance(Duration.ofSeconds(2));
      dropped.executor().execute(dropped.store()::close);
      assertEquals(5_000, idle.sweep().get(10, TimeUnit.SECONDS), "the expiring shard's rows, no write needed");
      assertEquals(5_000, evicted.get(), "counted for the server's metrics");
      assertEquals(0, expiring.store().size());
      assertEquals(5_000, byClocks.store().size(), "clock expiry moves only with writes");
      assertEquals(5_000, plain.store().size());
      assertEquals(0, idle.sweep().get(10, TimeUnit.SECONDS), "nothing left to remove");
      idle.close();
    } finally {
      lanes.close();
    }
  }
}
