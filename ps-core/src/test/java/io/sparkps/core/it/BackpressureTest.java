package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.RangePartitioner;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.RawPeer;
import io.sparkps.core.testing.TransportTesting;
import io.sparkps.core.transport.PendingBytes;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends small requests with large replies (PULL_RANGE of 10,000 rows) and never
 * reads: the server stops reading from it once it holds its share of pending bytes, holds at most
 * {@code maxPendingBytes} whatever it does, and keeps serving a second client whose results stay
 * correct. Closing the bad client returns every byte.
 */
class BackpressureTest {

  private static final int MAX_FRAME = 1 << 20;
  private static final long MAX_PENDING = 8L << 20;
  private static final int DIM = 16;
  private static final int ROWS = 40_000;
  private static final int BAD_REQUESTS = 1000;
  private static final Duration WAIT = Duration.ofSeconds(TransportTesting.WAIT_SECONDS);

  private TestCluster cluster;
  private PsClient good;
  private DenseTable table;
  private float[] model;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestCluster(2, PsConfig.builder().maxFrameBytes(MAX_FRAME).maxPendingBytes(MAX_PENDING)
        .maxInFlightRequests(16).shardThreads(2).ioThreads(2).build(), Ticker.systemTicker());
    good = cluster.client();
    table = good.createDenseTable(TableSpec.dense("d", ROWS, DIM));
    model = new float[ROWS * DIM];
    long[] keys = new long[ROWS];
    for (int i = 0; i < ROWS; i++) {
      keys[i] = i;
    }
    for (int i = 0; i < model.length; i++) {
      model[i] = i % 97;
    }
    table.push(keys, model);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aClientThatNeverReadsIsStoppedAndHoldsBoundedMemoryWhileOthersProceed() throws Exception {
    TableRoute route = good.routing().table("d").orElseThrow();
    RangePartitioner ranges = (RangePartitioner) route.partitioner();
    int shard = 0;
    long from = ranges.start(shard);
    long to = Math.min(ranges.end(shard), from + 10_000);
    long replyBytes = (to - from) * DIM * 4;
    PsServer victim = cluster.ownerOf(route, shard);
    PendingBytes pending = victim.pendingBytes();
    long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    long heapBefore = usedHeap();

    ByteArrayOutputStream flood = new ByteArrayOutputStream();
    for (int i = 1; i <= BAD_REQUESTS; i++) {
      flood.writeBytes(TransportTesting.frameBytes(new Envelope(i, new PullRangeMessage(route.tableId(), shard, from,
          to))));
    }
    try (RawPeer bad = new RawPeer(victim.port())) {
      bad.handshake();
      // Sent from another thread: should the kernel buffers fill, the write blocks there, not here.
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        try {
          bad.send(flood.toByteArray());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      // Replies worth BAD_REQUESTS x 640 KB (640 MB) were asked for; the server holds some and
      // holds the rest of the requests back.
      PendingBytes.Stats held = pending.await(s -> s.waitingRequests() > 0 && s.held() >= replyBytes, WAIT);
      System.out.printf("stalled client: %s, reply %d bytes%n", held, replyBytes);

      // The good client works meanwhile, on both servers, and checks every answer.
      SplittableRandom rnd = new SplittableRandom(7);
      long[] latencies = new long[40];
      for (int round = 0; round < latencies.length; round++) {
        long t0 = System.nanoTime();
        long[] keys = sortedDistinct(rnd, 50);
        float[] delta = new float[keys.length * DIM];
        for (int i = 0; i < delta.length; i++) {
          delta[i] = rnd.nextInt(5);
        }
        table.push(keys, delta);
        for (int k = 0; k < keys.length; k++) {
          for (int j = 0; j < DIM; j++) {
            model[(int) keys[k] * DIM + j] += delta[k * DIM + j];
          }
        }
        assertArrayEquals(rows(model, keys), table.pull(keys), "round " + round);
        latencies[round] = System.nanoTime() - t0;
      }
      assertArrayEquals(model, table.pullRange(0, ROWS), "the whole table, through the stalled server");
      Arrays.sort(latencies);
      PendingBytes.Stats after = pending.stats();
      long directGrowth = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - directBefore;
      System.out.printf("good client: push+pull p50 %.2f ms, max %.2f ms; server %s; direct memory +%d MB, "
          + "heap +%d MB%n", latencies[latencies.length / 2] / 1e6, latencies[latencies.length - 1] / 1e6, after,
          directGrowth >> 20, (usedHeap() - heapBefore) >> 20);

      assertTrue(after.waitingRequests() > 0, "the bad client's own requests are held back: " + after);
      assertTrue(after.peak() <= MAX_PENDING, "pending bytes stay under maxPendingBytes: " + after);
      // Unbounded, the replies asked for would take 640 MB; the pooled arenas may keep a few
      // 4 MiB chunks each beyond what is held.
      assertTrue(directGrowth <= MAX_PENDING + (64L << 20), "direct memory grew by " + directGrowth);
      assertTrue(!sending.isCompletedExceptionally());
    }
    PendingBytes.Stats released = pending.await(s -> s.held() == 0 && s.waitingRequests() == 0
        && s.pausedConnections() == 0, WAIT);
    assertEquals(0, released.held());
    assertArrayEquals(model, table.pullRange(0, ROWS));
  }

  @Test
  void aClientThatReadsIsNeverRefusedWhateverItPipelines() throws Exception {
    // 200 pulls in flight at once on one connection: more than maxInFlightRequests and than
    // maxPendingBytes hold; backpressure delays them, none fails.
    TableRoute route = good.routing().table("d").orElseThrow();
    RangePartitioner ranges = (RangePartitioner) route.partitioner();
    long to = Math.min(ranges.end(0), 10_000);
    CompletableFuture<?>[] pulls = new CompletableFuture<?>[200];
    for (int i = 0; i < pulls.length; i++) {
      pulls[i] = table.pullRangeAsync(0, to);
    }
    float[] expected = Arrays.copyOf(model, (int) to * DIM);
    for (CompletableFuture<?> f : pulls) {
      assertArrayEquals(expected, (float[]) f.get(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
    }
    for (PsServer s : cluster.servers) {
      PendingBytes.Stats st = s.pendingBytes().await(x -> x.held() == 0, WAIT);
      assertTrue(st.peak() <= MAX_PENDING, st.toString());
    }
  }

  private static long[] sortedDistinct(SplittableRandom rnd, int n) {
    return rnd.longs(n * 2L, 0, ROWS).distinct().limit(n).sorted().toArray();
  }

  private static float[] rows(float[] model, long[] keys) {
    float[] out = new float[keys.length * DIM];
    for (int k = 0; k < keys.length; k++) {
      System.arraycopy(model, (int) keys[k] * DIM, out, k * DIM, DIM);
    }
    return out;
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
