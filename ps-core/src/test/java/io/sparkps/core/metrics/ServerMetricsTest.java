package io.sparkps.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.SizeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {

  private static final PullMessage PULL = new PullMessage(1, 0, new long[] {1, 2, 3});
  private static final PushMessage PUSH = new PushMessage(1, 0, PushMode.UPDATE, PushId.NONE, new long[] {4, 5},
      new float[] {1, 2, 3, 4}, false);

  @Test
  void requestsAreCountedByKindWithTheirKeysAndValueBytes() {
    ServerMetrics m = new ServerMetrics();
    m.request(PULL, 2, 1000);
    m.request(new PullRangeMessage(1, 0, 10, 20), 2, 2000);
    m.request(PUSH, 2, 3000);
    m.request(new PushMessage(1, 0, PushMode.ASSIGN, PushId.NONE, new long[] {6}, new float[] {1, 2}, true), 2,
        4000);
    m.request(new SizeMessage(1, 0), 2, 5000);
    assertEquals(2, m.pulls());
    assertEquals(2, m.pushes());
    assertEquals(1, m.otherRequests());
    assertEquals(3 + 10 + 1, m.keysPulled(), "a push that returns values also pulls its keys");
    assertEquals(2 + 1, m.keysPushed());
    assertEquals(4L * (3 * 2 + 10 * 2 + 2), m.bytesPulled());
    assertEquals(4L * (4 + 2), m.bytesPushed());
    assertEquals(5, m.latency().count());
    assertEquals(5000, m.latency().max());
  }

  @Test
  void errorsAreCountedByCode() {
    ServerMetrics m = new ServerMetrics();
    m.error(ErrorCode.WRONG_OWNER);
    m.error(ErrorCode.WRONG_OWNER);
    m.error(ErrorCode.RESOURCE_EXHAUSTED);
    assertEquals(2, m.errors(ErrorCode.WRONG_OWNER));
    assertEquals(0, m.errors(ErrorCode.INTERNAL));
    assertEquals(3, m.errors());
    assertEquals(Map.of(ErrorCode.WRONG_OWNER, 2L, ErrorCode.RESOURCE_EXHAUSTED, 1L), m.errorsByCode());
  }

  @Test
  void countersUnderConcurrencyLoseNothing() throws Exception {
    ServerMetrics m = new ServerMetrics();
    int threads = 4;
    int each = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(CompletableFuture.runAsync(() -> {
          try {
            start.await(60, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          for (int i = 0; i < each; i++) {
            m.request(PULL, 1, 10);
            m.request(PUSH, 2, 10);
            m.error(ErrorCode.TIMEOUT);
          }
        }, pool));
      }
      CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    long n = (long) threads * each;
    assertEquals(n, m.pulls());
    assertEquals(n, m.pushes());
    assertEquals(3 * n, m.keysPulled());
    assertEquals(2 * n, m.keysPushed());
    assertEquals(12 * n, m.bytesPulled());
    assertEquals(16 * n, m.bytesPushed());
    assertEquals(n, m.errors(ErrorCode.TIMEOUT));
    assertEquals(2 * n, m.latency().count());
  }

  @Test
  void aTableFootprintCountsValuesOptimizerStateAndVersionPerRow() {
    assertEquals(100 * (4 * 8 + 8), TableFootprint.bytes(io.sparkps.core.config.TableSpec.sparse("t", 8), 100));
    assertEquals(10 * (4 * 16 + 8), TableFootprint.bytes(io.sparkps.core.config.TableSpec.sparse("t", 8)
        .withUpdater(io.sparkps.core.update.UpdaterSpec.adagrad(0.1)), 10), "adagrad keeps a float per value");
  }

  @Test
  void schedulerEventsAreKept() {
    SchedulerMetrics m = new SchedulerMetrics();
    m.serverLost();
    m.checkpointTaken(7_000_000, 1234);
    m.checkpointFailed();
    m.recovered(3_000_000, 4, 1);
    m.recovered(5_000_000, 1, 0);
    assertEquals(1, m.serversLost());
    assertEquals(1, m.checkpoints());
    assertEquals(1, m.checkpointsFailed());
    assertEquals(7_000_000, m.lastCheckpointNanos());
    assertEquals(1234, m.lastCheckpointWallMillis());
    assertEquals(2, m.recoveries());
    assertEquals(5, m.shardsRecovered());
    assertEquals(1, m.shardMovesFailed());
    assertEquals(5_000_000, m.lastRecoveryNanos());
    assertEquals(2, m.recoveryDurations().count());
  }
}
