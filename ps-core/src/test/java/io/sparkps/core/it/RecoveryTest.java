package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Table;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.FlakyCheckpointFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * twice. Sum table "a" is sparse, "b" dense; the victim holds shards of both.
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
    // Checkpoints every 4 clocks: worker 0 at clock 13 has passed the cut at 12 (the cut holds
    // every worker until its manifest is written) and nobody has reached 16.
    Manifest used = runWithAServerKilledAt(13, new CheckpointPolicy(dir.toString(), 4, 2), null, 12);
    assertEquals(12, used.run(runId(used)).orElseThrow().clock());
  }

  @Test
  void withoutCheckpointsTheRunReplaysFromTheStartIntoEmptyShardsAndStillEndsExact() throws Exception {
    assertNull(runWithAServerKilledAt(9, null, null, 0));
  }

  @Test
  void aLostShardOfATableTheCheckpointDoesNotHoldStartsEmptyAndTheRunReplaysFromZero() throws Exception {
    // The checkpoint holds "a" only, cut mid-run. Rolling back to its cut would leave the lost
    // shard of "b" without the pushes before it; the run must replay from 0 instead.
    Manifest used = runWithAServerKilledAt(13, CheckpointPolicy.onDemand(dir.toString()), "a", 0);
    assertEquals(List.of("a"), used.tables().stream().map(Manifest.TableEntry::name).toList());
    assertTrue(used.run(runId(used)).orElseThrow().clock() > 0, "the checkpoint cut the run mid-way: " + used);
  }

  @Test
  void aShardMoveThatFailsIsRetriedUntilTheShardIsRestored() throws Exception {
    try (TestCluster cluster = new TestCluster(3)) {
      cluster.scheduler.configureCheckpoints(CheckpointPolicy.onDemand("flaky:" + dir));
      PsClient admin = cluster.client();
      Table a = admin.createSparseTable(TableSpec.sparse("a", 1));
      float[] values = new float[SPARSE_KEYS.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = i + 1;
      }
      a.push(SPARSE_KEYS, values);
      cluster.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      PsServer victim = cluster.servers.get(1);
      long before = admin.routing().version();
      FlakyCheckpointFiles.failShardReads(1);
      try {
        victim.close();
        // Declared dead, a first recovery with one move failing, then the retry: three versions.
        RoutingTable after = admin.routingAtLeast(before + 3).get(60, TimeUnit.SECONDS);
        assertEquals(0, FlakyCheckpointFiles.failingShardReads(), "the first restore failed");
        assertTrue(!owns(after, "a", victim.serverId()), "the failed move was retried: " + after);
      } finally {
        FlakyCheckpointFiles.failShardReads(0);
      }
      assertArrayEquals(values, a.pull(SPARSE_KEYS), "every shard restored from the checkpoint");
    }
  }

  /**
   * Trains, kills a server when worker 0 reaches {@code killClock}, checks every retried worker
   * resumed at {@code resumeClock} and the sums are exact. With {@code checkpointOnly}, worker 0
   * first has a checkpoint of that table taken at clock 5. Returns the checkpoint recovery used.
   */
  private Manifest runWithAServerKilledAt(int killClock, CheckpointPolicy policy, String checkpointOnly,
      long resumeClock) throws Exception {
    try (TestCluster cluster = new TestCluster(3)) {
      if (policy != null) {
        cluster.scheduler.configureCheckpoints(policy);
      }
      PsClient admin = cluster.client();
      admin.createSparseTable(TableSpec.sparse("a", 1));
      admin.createDenseTable(TableSpec.dense("b", DENSE_KEYS.length, 1));
      PsServer victim = cluster.servers.get(1);
      assertTrue(owns(admin.routing(), "a", victim.serverId()) && owns(admin.routing(), "b", victim.serverId()),
          "the victim hosts shards of both tables");

      CountDownLatch atCheckpoint = new CountDownLatch(checkpointOnly == null ? 0 : 1);
      CountDownLatch checkpointStarted = new CountDownLatch(1);
      CountDownLatch reached = new CountDownLatch(1);
      CountDownLatch killed = new CountDownLatch(1);
      AtomicInteger registrations = new AtomicInteger();
      Map<Integer, Set<Long>> resumedAt = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      Manifest used;
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          int id = w;
          PsClient client = cluster.client();
          done.add(pool.submit(() -> {
            retryLikeSpark(client, id, registrations, resumedAt, (worker, c) -> {
              if (id == 0 && c == 5 && atCheckpoint.getCount() > 0) {
                atCheckpoint.countDown();
                assertTrue(checkpointStarted.await(60, TimeUnit.SECONDS));
              }
              if (id == 0 && c == killClock && killed.getCount() > 0) {
                reached.countDown();
                assertTrue(killed.await(60, TimeUnit.SECONDS));
              }
            });
            return null;
          }));
        }
        if (checkpointOnly != null) {
          assertTrue(atCheckpoint.await(60, TimeUnit.SECONDS));
          // The cut needs worker 0 to move on: start it, let worker 0 go, then wait for it.
          CompletableFuture<Manifest> partial = cluster.scheduler.checkpoint(checkpointOnly);
          checkpointStarted.countDown();
          partial.get(60, TimeUnit.SECONDS);
        }
        assertTrue(reached.await(60, TimeUnit.SECONDS));
        used = cluster.scheduler.latestCheckpoint().orElse(null);
        long before = admin.routing().version();
        victim.close();
        killed.countDown();
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
        RoutingTable after = admin.routingAtLeast(before + 2).get(60, TimeUnit.SECONDS);
        assertTrue(!owns(after, "a", victim.serverId()) && !owns(after, "b", victim.serverId()),
            "every shard moved off the dead server");
        assertTrue(registrations.get() > WORKERS, "workers re-registered after the failure: " + registrations);
        // A worker may also retry once before the scheduler notices the loss (a push to the dead
        // server failed), resuming where it was; after the rollback each resumes at the cut.
        for (int w = 0; w < WORKERS; w++) {
          Set<Long> clocks = resumedAt.getOrDefault(w, Set.of());
          assertTrue(clocks.contains(resumeClock) && clocks.stream().allMatch(c -> c >= resumeClock),
              "worker " + w + " resumed at " + clocks + ", expected " + resumeClock + " after the rollback");
        }
      } finally {
        pool.shutdownNow();
      }
      float[] expected = new float[SPARSE_KEYS.length];
      Arrays.fill(expected, WORKERS * CLOCKS);
      assertArrayEquals(expected, admin.sparseTable("a").pull(SPARSE_KEYS), "sparse sums");
      assertArrayEquals(Arrays.copyOf(expected, DENSE_KEYS.length), admin.denseTable("b").pull(DENSE_KEYS),
          "dense sums");
      assertEquals(RunClock.State.FINISHED, cluster.scheduler.runStats("count").orElseThrow().state());
      return used;
    }
  }

  private static long runId(Manifest m) {
    return m.runs().stream().filter(r -> r.name().equals("count")).findFirst().orElseThrow().runId();
  }

  interface BeforeClock {
    void run(Worker worker, long clock) throws Exception;
  }

  /**
   * A task body retried on failure, as Spark retries tasks: re-register, resume, replay. Bounded by
   * time, not by a count of attempts: between a server's death and the scheduler noticing it, a
   * retry fails at once (its push to the dead server), so on a busy machine a worker could spend
   * any fixed count within that window and give up before the recovery it waits for (the flake
   * this test had: a worker out of attempts in 6 ms, the others failing for its absence).
   */
  private static void retryLikeSpark(PsClient client, int id, AtomicInteger registrations,
      Map<Integer, Set<Long>> resumedAt, BeforeClock hook) throws Exception {
    Table sparse = client.sparseTable("a");
    Table dense = client.denseTable("b");
    float[] ones = new float[SPARSE_KEYS.length];
    Arrays.fill(ones, 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int attempt = 0; ; attempt++) {
      try (Worker worker = Worker.register(client, "count", id, WORKERS, Consistency.ssp(1))) {
        registrations.incrementAndGet();
        if (attempt > 0) {
          resumedAt.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(worker.currentClock());
        }
        for (long c = worker.currentClock(); c < CLOCKS; c = worker.currentClock()) {
          hook.run(worker, c);
          worker.push(sparse, SPARSE_KEYS, ones);
          worker.push(dense, DENSE_KEYS, Arrays.copyOf(ones, DENSE_KEYS.length));
          worker.clock();
        }
        worker.finish();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static boolean owns(RoutingTable routing, String table, int server) {
    for (int owner : routing.table(table).orElseThrow().shardOwners()) {
      if (owner == server) {
        return true;
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
