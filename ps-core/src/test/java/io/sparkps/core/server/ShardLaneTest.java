package io.sparkps.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
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

  @Test
  void tasksFromManySubmittersRunOneAtATimeInEachSubmittersOrderInlineOrQueued() throws Exception {
    int submitters = 6;
    int perSubmitter = 20_000;
    ShardExecutors lanes = new ShardExecutors(1, Integer.MAX_VALUE, "test", new RejectionLog(Ticker.systemTicker()));
    try {
      ShardLane lane = lanes.laneFor(1, 0);
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      int[] last = new int[submitters];  // touched only by lane tasks: serial, so no lock
      Arrays.fill(last, -1);
      AtomicInteger outOfOrder = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(submitters * perSubmitter);
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      for (int s = 0; s < submitters; s++) {
        int submitter = s;
        Thread t = new Thread(() -> {
          try {
            await(start);
            for (int i = 0; i < perSubmitter; i++) {
              int seq = i;
              Runnable task = () -> {
                if (inside.incrementAndGet() != 1) {
                  overlaps.incrementAndGet();
                }
                if (last[submitter] != seq - 1) {
                  outOfOrder.incrementAndGet();
                }
                last[submitter] = seq;
                inside.decrementAndGet();
                done.countDown();
              };
              // Mixed like a server's work: control tasks (every 7th), large requests (always queued), small ones (inline when idle).
              if (i % 7 == 0) {
                lane.execute(task);
              } else {
                lane.executeRequest(task, i % 3 != 0);
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "submitter-" + s);
        threads.add(t);
        t.start();
      }
      start.countDown();
      assertTrue(done.await(60, TimeUnit.SECONDS), "all tasks ran");
      for (Thread t : threads) {
        t.join(20_000);
      }
      assertTrue(failures.isEmpty(), () -> "submitters failed: " + failures);
      assertEquals(0, overlaps.get(), "tasks overlapped");
      assertEquals(0, outOfOrder.get(), "a submitter's tasks ran out of order");
      for (int s = 0; s < submitters; s++) {
        assertEquals(perSubmitter - 1, last[s]);
      }
      assertEquals(0, lane.queued());
    } finally {
      lanes.close();
    }
  }

  @Test
  void aSmallRequestRunsOnTheSubmittingThreadOnlyWhenTheLaneIsIdle() throws Exception {
    ShardExecutors lanes = new ShardExecutors(1, 8, "test", new RejectionLog(Ticker.systemTicker()));
    try {
      ShardLane lane = lanes.laneFor(1, 0);
      Thread self = Thread.currentThread();
      Thread[] ranOn = new Thread[1];
      lane.executeRequest(() -> ranOn[0] = Thread.currentThread(), true);
      assertEquals(self, ranOn[0], "idle lane: ran inline, before executeRequest returned");

      CountDownLatch blocked = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      lane.execute(() -> {
        blocked.countDown();
        await(release);
      });
      assertTrue(blocked.await(20, TimeUnit.SECONDS));
      CompletableFuture<Thread> queuedOn = new CompletableFuture<>();
      lane.executeRequest(() -> queuedOn.complete(Thread.currentThread()), true);
      assertEquals(1, lane.queued(), "busy lane: queued behind the running task");
      release.countDown();
      Thread laneThread = queuedOn.get(20, TimeUnit.SECONDS);
      assertTrue(laneThread != self && laneThread.getName().startsWith("test-shard-"), laneThread.getName());

      RuntimeException boom = new IllegalStateException("boom");
      RuntimeException thrown = assertThrows(IllegalStateException.class,
          () -> lane.executeRequest(() -> {
            throw boom;
          }, true));
      assertEquals(boom, thrown, "an inline task's failure reaches the caller");
      CountDownLatch after = new CountDownLatch(1);
      lane.executeRequest(after::countDown, false);
      assertTrue(after.await(20, TimeUnit.SECONDS), "the lane still runs tasks after an inline failure");
    } finally {
      lanes.close();
    }
  }

  @Test
  void aShutDownLaneRefusesWorkAndFinishesWhatWasQueued() throws Exception {
    ShardExecutors lanes = new ShardExecutors(1, 8, "test", new RejectionLog(Ticker.systemTicker()));
    ShardLane lane = lanes.laneFor(1, 0);
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    lane.execute(() -> {
      blocked.countDown();
      await(release);
    });
    assertTrue(blocked.await(20, TimeUnit.SECONDS));
    CountDownLatch queuedRan = new CountDownLatch(1);
    lane.executeRequest(queuedRan::countDown);
    lane.shutdown();
    assertThrows(RejectedExecutionException.class, () -> lane.executeRequest(() -> { }, true));
    assertThrows(RejectedExecutionException.class, () -> lane.execute(() -> { }));
    release.countDown();
    lanes.close();
    assertTrue(queuedRan.await(20, TimeUnit.SECONDS), "work queued before shutdown still ran");
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
