package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.testing.TransportTesting;
import io.sparkps.core.update.UpdaterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server whose shard lane is busy answers RESOURCE_EXHAUSTED beyond shardQueueCapacity, then recovers. */
class FullShardLaneTest {

  private static final int CAPACITY = 4;

  @Test
  void requestsBeyondTheLaneCapacityAreRefusedAndTheQueuedOnesAnswered() throws Exception {
    BlockingUpdater.reset();
    try (TestCluster cluster = new TestCluster(1, PsConfig.builder().shardThreads(1).shardQueueCapacity(CAPACITY)
        .build(), Ticker.systemTicker())) {
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(TableSpec.sparse("t", 1)
          .withUpdater(UpdaterSpec.custom(BlockingUpdater.class.getName())));
      t.push(new long[] {1}, new float[] {1});
      CompletableFuture<Void> blocking = t.pushAsync(new long[] {2}, new float[] {BlockingUpdater.BLOCK});
      assertTrue(BlockingUpdater.entered.await(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
      List<CompletableFuture<float[]>> pulls = new ArrayList<>();
      for (int i = 0; i < CAPACITY + 6; i++) {
        pulls.add(t.pullAsync(new long[] {1}));
      }
      int refused = 0;
      // The refusals are answered while the lane is still blocked.
      for (int i = CAPACITY; i < pulls.size(); i++) {
        CompletableFuture<float[]> pull = pulls.get(i);
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> pull.get(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
        PsRemoteException remote = assertInstanceOf(PsRemoteException.class, e.getCause());
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, remote.code(), remote.getMessage());
        refused++;
      }
      assertEquals(6, refused);
      BlockingUpdater.release.countDown();
      blocking.get(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS);
      for (int i = 0; i < CAPACITY; i++) {
        assertArrayEquals(new float[] {1}, pulls.get(i).get(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
      }
      assertArrayEquals(new float[] {1, 42}, t.pull(new long[] {1, 2}));
      assertEquals(0, cluster.servers.get(0).pendingBytes().await(s -> s.held() == 0,
          Duration.ofSeconds(TransportTesting.WAIT_SECONDS)).held());
    } finally {
      BlockingUpdater.release.countDown();
    }
  }
}
