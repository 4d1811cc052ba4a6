package io.sparkps.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A lane queues at most its capacity of data requests; control work is never refused. */
class ShardLaneTest {

  @Test
  void aFullLaneRefusesDataRequestsWithResourceExhaustedAndRunsTheQueuedOnes() throws Exception {
    ShardExecutors lanes = new ShardExecutors(1, 2, "test", new RejectionLog(Ticker.systemTicker()));
    try {
      ShardLane lane = lanes.laneFor(1, 0);
      CountDownLatch blocked = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      lane.execute(() -> {
        blocked.countDown();
        await(release);
      });
      assertTrue(blocked.await(20, TimeUnit.SECONDS));
      AtomicInteger ran = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(2);
      lane.executeRequest(() -> {
        ran.incrementAndGet();
        done.countDown();
      });
      lane.executeRequest(() -> {
        ran.incrementAndGet();
        done.countDown();
      });
      for (int i = 0; i < 3; i++) {
        PsRemoteException e = assertThrows(PsRemoteException.class, () -> lane.executeRequest(ran::incrementAndGet));
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code());
        assertTrue(e.detail().contains("shardQueueCapacity=2"), e.detail());
      }
      CountDownLatch control = new CountDownLatch(1);
      lane.execute(control::countDown);  // control work is queued even on a full lane
      assertEquals(2, lane.queued());
      release.countDown();
      assertTrue(done.await(20, TimeUnit.SECONDS));
      assertTrue(control.await(20, TimeUnit.SECONDS));
      assertEquals(2, ran.get(), "refused requests never ran");
      assertEquals(0, lane.queued());
      CountDownLatch again = new CountDownLatch(1);
      lane.executeRequest(again::countDown);
      assertTrue(again.await(20, TimeUnit.SECONDS), "an emptied lane takes requests again");
    } finally {
      lanes.close();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
