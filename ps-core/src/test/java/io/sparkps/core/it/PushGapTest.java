package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.testing.RawPeer;
import io.sparkps.core.testing.TransportTesting;
import io.sparkps.core.update.UpdaterSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once with several tagged pushes of one worker in flight: a push refused before it is
 * applied (here: its lane was full) opens a gap, the worker's later pushes are refused with
 * PUSH_OUT_OF_ORDER until it is replayed, and the replay of everything yields exact sums.
 */
class PushGapTest {

  private static final long RUN = 7;
  private static final int WORKER = 1;
  private static final long KEY = 1;

  @Test
  void aPushRefusedByAFullLaneHoldsBackTheWorkersLaterPushesUntilItsReplay() throws Exception {
    BlockingUpdater.reset();
    try (TestCluster cluster = new TestCluster(1, PsConfig.builder().shardThreads(1).shardQueueCapacity(2)
        .build(), Ticker.systemTicker())) {
      PsClient client = cluster.client();
      // Both tables' shards share the server's one lane: a blocked push to "block" holds "t".
      SparseTable blocker = client.createSparseTable(TableSpec.sparse("block", 1)
          .withUpdater(UpdaterSpec.custom(BlockingUpdater.class.getName())));
      SparseTable t = client.createSparseTable(TableSpec.sparse("t", 1));
      TableRoute route = client.routing().table("t").orElseThrow();
      int tableId = route.tableId();
      int shard = route.partitioner().shardOf(KEY);
      float[] deltas = {1, 10, 100, 1_000, 10_000};

      try (RawPeer raw = new RawPeer(cluster.servers.get(0).port())) {
        raw.handshake();
        CompletableFuture<Void> blocking = blocker.pushAsync(new long[] {1}, new float[] {BlockingUpdater.BLOCK});
        assertTrue(BlockingUpdater.entered.await(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
        // Pipelined: seq 0 and 1 fill the lane's queue, seq 2 is refused (RESOURCE_EXHAUSTED).
        for (int seq = 0; seq < 3; seq++) {
          raw.send(new Envelope(100 + seq, push(tableId, shard, seq, deltas[seq])));
        }
        Envelope refused = raw.read();  // answered at once, while the lane is still blocked
        assertEquals(102, refused.requestId());
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, assertInstanceOf(ErrorMessage.class, refused.message()).code());
        BlockingUpdater.release.countDown();
        blocking.get(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS);
        Map<Long, Message> replies = read(raw, 2);
        assertInstanceOf(OkMessage.class, replies.get(100L));
        assertInstanceOf(OkMessage.class, replies.get(101L));

        // Seq 3 and 4, sent on after the refusal, would move the mark past seq 2: refused too.
        raw.send(new Envelope(103, push(tableId, shard, 3, deltas[3])));
        raw.send(new Envelope(104, push(tableId, shard, 4, deltas[4])));
        replies = read(raw, 2);
        for (long id : new long[] {103, 104}) {
          ErrorMessage e = assertInstanceOf(ErrorMessage.class, replies.get(id), () -> "request " + id);
          assertEquals(ErrorCode.PUSH_OUT_OF_ORDER, e.code(), e.message());
          assertTrue(e.message().contains("(clock 0, seq 2)"), e.message());
        }
        assertArrayEquals(new float[] {11}, t.pull(new long[] {KEY}), "nothing applied past the gap");

        // The retried task replays all its pushes, pipelined: 0 and 1 are dropped, 2 closes the gap.
        for (int seq = 0; seq < 5; seq++) {
          raw.send(new Envelope(200 + seq, push(tableId, shard, seq, deltas[seq])));
        }
        replies = read(raw, 5);
        for (long id = 200; id < 205; id++) {
          assertInstanceOf(OkMessage.class, replies.get(id), "request " + id + ": " + replies.get(id));
        }
        assertArrayEquals(new float[] {11_111}, t.pull(new long[] {KEY}), "every push applied exactly once");

        // A later replay of everything changes nothing.
        for (int seq = 0; seq < 5; seq++) {
          raw.send(new Envelope(300 + seq, push(tableId, shard, seq, deltas[seq])));
        }
        read(raw, 5).values().forEach(m -> assertInstanceOf(OkMessage.class, m));
        assertArrayEquals(new float[] {11_111}, t.pull(new long[] {KEY}));
      }
    } finally {
      BlockingUpdater.release.countDown();
    }
  }

  private static PushMessage push(int tableId, int shard, int seq, float delta) {
    return new PushMessage(tableId, shard, PushMode.UPDATE, new PushId(RUN, WORKER, 0, seq), new long[] {KEY},
        new float[] {delta}, false);
  }

  private static Map<Long, Message> read(RawPeer raw, int n) throws Exception {
    Map<Long, Message> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Envelope e = raw.read();
      out.put(e.requestId(), e.message());
    }
    return out;
  }
}
