package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointLayout;
import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.client.Table;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.testing.FlakyCheckpointFiles;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints against real servers on loopback: a restore reproduces rows, optimizer state and
 * versions exactly; a checkpoint taken during SSP training is a consistent cut; a checkpoint that
 * fails half-way leaves the previous one usable; automatic checkpoints follow the clock interval.
 */
class CheckpointTest {

  private static final TableSpec DENSE = TableSpec.dense("d", 500, 4).withUpdater(UpdaterSpec.adagrad(0.1));
  private static final TableSpec SPARSE = TableSpec.sparse("s", 8).withUpdater(UpdaterSpec.ftrl(0.1, 1, 0.01, 0.01));
  private static final TableSpec COUNTS = TableSpec.sparse("counts", 1);
  private static final int SPARSE_KEYS = 5_000;

  @TempDir
  Path dir;

  /** Everything a pull can see of the two tables, plus sizes and versions. */
  private record State(float[] dense, float[] sparse, long sparseSize, long[] versions) {
    static State of(DenseTable d, SparseTable s) {
      long[] denseKeys = range(DENSE.rows());
      long[] sparseKeys = range(SPARSE_KEYS);
      long[] versions = new long[20];
      for (int i = 0; i < versions.length; i++) {
        versions[i] = (i % 2 == 0 ? d.getVersioned(i * 7L) : s.getVersioned(i * 13L)).version();
      }
      return new State(d.pull(denseKeys), s.pull(sparseKeys), s.size(), versions);
    }

    void assertSameAs(State other, String what) {
      assertArrayEquals(dense, other.dense, what + ": dense weights");
      assertArrayEquals(sparse, other.sparse, what + ": sparse weights");
      assertEquals(sparseSize, other.sparseSize, what + ": sparse rows");
      assertArrayEquals(versions, other.versions, what + ": row versions");
    }
  }

  private static long[] range(long n) {
    long[] keys = new long[(int) n];
    for (int i = 0; i < n; i++) {
      keys[i] = i;
    }
    return keys;
  }

  /** Deterministic pushes (distinct keys per push) through the stateful updaters. */
  private static void train(DenseTable d, SparseTable s, long seed, int rounds) {
    Random r = new Random(seed);
    for (int i = 0; i < rounds; i++) {
      d.push(distinct(r, 40, DENSE.rows()), gaussians(r, 40 * DENSE.dim()));
      s.push(distinct(r, 300, SPARSE_KEYS), gaussians(r, 300 * SPARSE.dim()));
    }
  }

  private static long[] distinct(Random r, int n, long bound) {
    return r.longs(0, bound).distinct().limit(n).sorted().toArray();
  }

  private static float[] gaussians(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Test
  void aRestoreReproducesRowsOptimizerStateAndVersionsAndLaterUpdatesExactly() throws Exception {
    try (TestCluster a = new TestCluster(2)) {
      a.scheduler.configureCheckpoints(CheckpointPolicy.onDemand(dir.toString()));
      PsClient ca = a.client();
      DenseTable d = ca.createDenseTable(DENSE);
      SparseTable s = ca.createSparseTable(SPARSE);
      train(d, s, 1, 20);
      State atCheckpoint = State.of(d, s);

      Manifest m = a.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      assertEquals(2, m.tables().size());
      assertTrue(m.bytes() > SPARSE_KEYS / 2 * SPARSE.dim() * 4L, "bytes=" + m.bytes());
      train(d, s, 2, 10);
      State afterMore = State.of(d, s);

      // Three servers this time: the shard count comes from the checkpoint, not the cluster.
      try (TestCluster b = new TestCluster(3)) {
        Manifest restored = b.scheduler.restore(dir.toString()).get(60, TimeUnit.SECONDS);
        assertEquals(m.id(), restored.id());
        PsClient cb = b.client();
        DenseTable d2 = cb.denseTable("d");
        SparseTable s2 = cb.sparseTable("s");
        assertEquals(ca.routing().table("s").orElseThrow().numShards(),
            cb.routing().table("s").orElseThrow().numShards());
        State.of(d2, s2).assertSameAs(atCheckpoint, "right after the restore");
        train(d2, s2, 2, 10);
        State.of(d2, s2).assertSameAs(afterMore, "after the same updates (optimizer state came across)");

        ExecutionException dup = assertThrows(ExecutionException.class,
            () -> b.scheduler.restore(dir.toString()).get(60, TimeUnit.SECONDS));
        assertTrue(dup.getCause().getMessage().contains("drop it first"), dup.getCause().getMessage());
      }
    }
  }

  @Test
  void aCheckpointThatFailsHalfWayLeavesThePreviousOneUsable() throws Exception {
    String root = "flaky:" + dir;
    State first;
    try (TestCluster a = new TestCluster(2)) {
      a.scheduler.configureCheckpoints(CheckpointPolicy.onDemand(root));
      PsClient ca = a.client();
      DenseTable d = ca.createDenseTable(DENSE);
      SparseTable s = ca.createSparseTable(SPARSE);
      train(d, s, 1, 10);
      first = State.of(d, s);
      Manifest m1 = a.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      train(d, s, 2, 10);
      State second = State.of(d, s);

      FlakyCheckpointFiles.failShardWritesAfter(100);
      ExecutionException e;
      try {
        e = assertThrows(ExecutionException.class, () -> a.scheduler.checkpoint().get(60, TimeUnit.SECONDS));
      } finally {
        FlakyCheckpointFiles.failShardWritesAfter(-1);
      }
      assertTrue(e.getCause().getMessage().contains("simulated disk failure"), e.getCause().getMessage());
      assertEquals(m1.id(), a.scheduler.latestCheckpoint().orElseThrow().id());
      assertFalse(Files.exists(dir.resolve("ckpt-00000002").resolve(CheckpointLayout.MANIFEST)));
      State.of(d, s).assertSameAs(second, "the tables after a failed checkpoint");
      assertEquals(m1.id(), CheckpointLayout.latestComplete(CheckpointFiles.forPath(root), root).getAsLong());
    }
    try (TestCluster b = new TestCluster(2)) {
      b.scheduler.restore(root).get(60, TimeUnit.SECONDS);
      PsClient cb = b.client();
      State.of(cb.denseTable("d"), cb.sparseTable("s")).assertSameAs(first, "restored from the earlier checkpoint");
    }
  }

  @Test
  void aCheckpointDuringSspTrainingIsAConsistentCut() throws Exception {
    int workers = 4;
    int clocks = 40;
    try (TestCluster a = new TestCluster(2)) {
      a.scheduler.configureCheckpoints(CheckpointPolicy.onDemand(dir.toString()));
      SparseTable counts = a.client().createSparseTable(COUNTS);
      CountDownLatch reached = new CountDownLatch(1);
      CountDownLatch requested = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          int id = w;
          PsClient client = a.client();
          SparseTable t = client.sparseTable("counts");
          done.add(pool.submit(() -> {
            try (Worker worker = Worker.register(client, "ssp", id, workers, Consistency.ssp(2))) {
              for (long c = worker.currentClock(); c < clocks; c = worker.currentClock()) {
                if (id == 0 && c == 10) {
                  reached.countDown();
                  await(requested);
                }
                worker.push(t, new long[] {id, 100}, new float[] {1, 1});
                worker.clock();
              }
              worker.finish();
            }
            return null;
          }));
        }
        assertTrue(reached.await(60, TimeUnit.SECONDS));
        CompletableFuture<Manifest> checkpoint = a.scheduler.checkpoint();
        requested.countDown();
        Manifest m = checkpoint.get(60, TimeUnit.SECONDS);
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(1, m.runs().size());
        long cut = m.runs().get(0).clock();
        assertTrue(cut >= 11 && cut < clocks, "cut=" + cut);
        assertArrayEquals(new float[] {clocks, clocks, clocks, clocks, workers * clocks},
            counts.pull(new long[] {0, 1, 2, 3, 100}));

        try (TestCluster b = new TestCluster(1)) {
          b.scheduler.restore(dir.toString()).get(60, TimeUnit.SECONDS);
          float[] atCut = b.client().sparseTable("counts").pull(new long[] {0, 1, 2, 3, 100});
          assertArrayEquals(new float[] {cut, cut, cut, cut, workers * cut}, atCut,
              "every push of clocks before the cut, none after");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void automaticCheckpointsFollowTheClockIntervalAndRunEndsAndOldOnesArePruned() throws Exception {
    int workers = 3;
    try (TestCluster a = new TestCluster(2)) {
      a.scheduler.configureCheckpoints(new CheckpointPolicy(dir.toString(), 5, 10));
      a.client().createSparseTable(COUNTS);
      runCounting(a, workers, 12);
      Manifest last = a.scheduler.checkpoint().get(60, TimeUnit.SECONDS);  // queued behind the run-end one
      assertEquals(4, last.id());
      CheckpointFiles files = CheckpointFiles.forPath(dir.toString());
      List<Long> cuts = new ArrayList<>();
      for (long id = 1; id <= 3; id++) {
        Manifest m = CheckpointLayout.readManifest(files, CheckpointLayout.checkpointDir(files, dir.toString(), id));
        cuts.add(m.runs().isEmpty() ? -1 : m.runs().get(0).clock());
      }
      assertEquals(List.of(5L, 10L, -1L), cuts, "clock 5, clock 10, then the finished run (no run cut)");

      try (TestCluster b = new TestCluster(1)) {
        b.scheduler.restore(CheckpointLayout.checkpointDir(files, dir.toString(), 1)).get(60, TimeUnit.SECONDS);
        assertArrayEquals(new float[] {5, 5, 5}, b.client().sparseTable("counts").pull(new long[] {0, 1, 2}));
      }

      a.scheduler.configureCheckpoints(new CheckpointPolicy(dir.toString(), 0, 2));
      a.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      assertArrayEquals(new long[] {4, 5}, CheckpointLayout.ids(files, dir.toString()));

      // A pinned checkpoint outlives newer ones beyond keep, and does not count against it.
      String pinned = CheckpointLayout.checkpointDir(files, dir.toString(), 4);
      a.scheduler.pinCheckpoint(pinned);
      a.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      a.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      assertArrayEquals(new long[] {4, 6, 7}, CheckpointLayout.ids(files, dir.toString()));
      a.scheduler.unpinCheckpoint(pinned);
      a.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      assertArrayEquals(new long[] {7, 8}, CheckpointLayout.ids(files, dir.toString()));
    }
  }

  /** Each worker pushes 1 to its own key per clock. */
  static void runCounting(TestCluster cluster, int workers, int clocks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int id = w;
        PsClient client = cluster.client();
        Table t = client.sparseTable("counts");
        done.add(pool.submit(() -> {
          try (Worker worker = Worker.register(client, "count", id, workers, Consistency.ssp(1))) {
            for (long c = worker.currentClock(); c < clocks; c = worker.currentClock()) {
              worker.push(t, new long[] {id}, new float[] {1});
              worker.clock();
            }
            worker.finish();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("timed out waiting for the test driver");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
