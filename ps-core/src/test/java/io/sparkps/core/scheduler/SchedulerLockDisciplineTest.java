package io.sparkps.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.server.PsServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's lock is never held while it completes a future or talks to a peer: every reply,
 * send and close counts itself and whether the lock was held ({@code ioUnderLock}), and callbacks
 * on the futures it completes check the lock themselves. Exercised with gated clocks (one worker's
 * clock opens the others' gates), routing broadcasts (tables created, a server lost) and server
 * waiters.
 */
class SchedulerLockDisciplineTest {

  @Test
  void noReplySendOrCompletionHappensUnderTheLock() throws Exception {
    PsConfig config = PsConfig.builder().shardThreads(2).ioThreads(1).build();
    List<PsServer> servers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (PsScheduler scheduler = PsScheduler.start(config, 0, Ticker.systemTicker())) {
      AtomicBoolean completedUnderLock = new AtomicBoolean();
      CompletableFuture<RoutingTable> twoServers = scheduler.awaitServers(2);
      CompletableFuture<Boolean> checked = twoServers.thenApply(r -> scheduler.holdsLock());
      servers.add(PsServer.start(config, 0, scheduler.host(), scheduler.port()));
      servers.add(PsServer.start(config, 0, scheduler.host(), scheduler.port()));
      assertFalse(checked.get(30, TimeUnit.SECONDS), "a server waiter completed under the lock");

      try (PsClient client = PsClient.connect(config, scheduler.host(), scheduler.port())) {
        client.createDenseTable(TableSpec.dense("discipline", 3, 1));  // broadcast to the subscribed client
        int workers = 3;
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          int id = w;
          done.add(pool.submit(() -> {
            try (Worker worker = Worker.register(client, "discipline", id, workers, Consistency.bsp())) {
              for (int c = 0; c < 10; c++) {
                worker.clock();  // BSP: the last worker's clock opens the others' gates
              }
              worker.barrier();
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
        scheduler.serverLost(1, "lost in a test");  // on this thread: routing broadcast, recovery
        CompletableFuture<RoutingTable> one = scheduler.awaitServers(1);
        one.whenComplete((r, e) -> completedUnderLock.compareAndSet(false, scheduler.holdsLock()));
        one.get(30, TimeUnit.SECONDS);
      }
      assertFalse(completedUnderLock.get());
      assertEquals(0, scheduler.ioUnderLock.get(), "replies or sends made while holding the scheduler's lock");
      assertTrue(scheduler.ioCalls.get() >= 3 * 10 + 3, "the check saw the replies: " + scheduler.ioCalls.get());
    } finally {
      pool.shutdownNow();
      servers.forEach(PsServer::close);
    }
  }
}
