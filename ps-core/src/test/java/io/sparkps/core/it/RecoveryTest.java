package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Table;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.server.PsServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server dies in the middle of SSP training: its shards move to live servers (restored from the
 * latest checkpoint, or empty without one), the run rolls back, workers that fail re-register
 * and replay (as retried Spark tasks do), and sum tables end exact: no push lost, none applied
 * twice.
 */
class RecoveryTest {

  private static final int WORKERS = 4;
  private static final int CLOCKS = 30;
  private static final long[] SPARSE_KEYS = range(64);
  private static final long[] DENSE_KEYS = range(12);

  @TempDir
  Path dir;

  @Test
  void withCheckpointsTheLostShardsRollBackAndEveryPushLandsExactlyOnce() throws Exception {
    runWithAServerKilledAt(13, new CheckpointPolicy(dir.toString(), 4, 2));
  }

  @Test
  void withoutCheckpointsTheRunReplaysFromTheStartIntoEmptyShardsAndStillEndsExact() throws Exception {
    runWithAServerKilledAt(9, null);
  }

  private void runWithAServerKilledAt(int killClock, CheckpointPolicy policy) throws Exception {
    try (TestCluster cluster = new TestCluster(3)) {
      if (policy != null) {
        cluster.scheduler.configureCheckpoints(policy);
      }
      PsClient admin = cluster.client();
      admin.createSparseTable(TableSpec.sparse("counts", 1));
      admin.createDenseTable(TableSpec.dense("dense", DENSE_KEYS.length, 1));
      PsServer victim = cluster.servers.get(1);
      assertTrue(owns(admin.routing(), victim.serverId()), "the victim hosts shards");

      CountDownLatch reached = new CountDownLatch(1);
      CountDownLatch killed = new CountDownLatch(1);
      AtomicInteger registrations = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          int id = w;
          PsClient client = cluster.client();
          done.add(pool.submit(() -> {
            retryLikeSpark(client, id, registrations, (worker, c) -> {
              if (id == 0 && c == killClock && killed.getCount() > 0) {
                reached.countDown();
                killed.await(60, TimeUnit.SECONDS);
              }
            });
            return null;
          }));
        }
        assertTrue(reached.await(60, TimeUnit.SECONDS));
        long before = admin.routing().version();
        victim.close();
        killed.countDown();
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
        RoutingTable after = admin.routingAtLeast(before + 2).get(60, TimeUnit.SECONDS);
        assertTrue(!owns(after, victim.serverId()), "every shard moved off the dead server");
        assertTrue(registrations.get() > WORKERS, "workers re-registered after the failure: " + registrations);
      } finally {
        pool.shutdownNow();
      }
      float[] expected = new float[SPARSE_KEYS.length];
      Arrays.fill(expected, WORKERS * CLOCKS);
      assertArrayEquals(expected, admin.sparseTable("counts").pull(SPARSE_KEYS), "sparse sums");
      assertArrayEquals(Arrays.copyOf(expected, DENSE_KEYS.length), admin.denseTable("dense").pull(DENSE_KEYS),
          "dense sums");
      assertEquals(RunClock.State.FINISHED, cluster.scheduler.runStats("count").orElseThrow().state());
    }
  }

  interface BeforeClock {
    void run(Worker worker, long clock) throws Exception;
  }

  /** A task body retried on failure, as Spark retries tasks: re-register, resume, replay. */
  private static void retryLikeSpark(PsClient client, int id, AtomicInteger registrations, BeforeClock hook)
      throws Exception {
    Table sparse = client.sparseTable("counts");
    Table dense = client.denseTable("dense");
    float[] ones = new float[SPARSE_KEYS.length];
    Arrays.fill(ones, 1);
    for (int attempt = 0; ; attempt++) {
      try (Worker worker = Worker.register(client, "count", id, WORKERS, Consistency.ssp(1))) {
        registrations.incrementAndGet();
        for (long c = worker.currentClock(); c < CLOCKS; c = worker.currentClock()) {
          hook.run(worker, c);
          worker.push(sparse, SPARSE_KEYS, ones);
          worker.push(dense, DENSE_KEYS, Arrays.copyOf(ones, DENSE_KEYS.length));
          worker.clock();
        }
        worker.finish();
        return;
      } catch (RuntimeException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static boolean owns(RoutingTable routing, int server) {
    for (TableRoute r : routing.tables()) {
      for (int owner : r.shardOwners()) {
        if (owner == server) {
          return true;
        }
      }
    }
    return false;
  }

  private static long[] range(int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = i;
    }
    return keys;
  }
}
