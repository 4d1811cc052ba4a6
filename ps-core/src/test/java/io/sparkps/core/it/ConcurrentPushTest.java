package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Table;
import io.sparkps.core.config.TableSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads pushing sum-updates to overlapping keys: the totals are exact (none lost, none doubled). */
class ConcurrentPushTest {

  private static final int THREADS = 16;
  private static final int PUSHES_PER_THREAD = 1_000;
  private static final int KEYS_PER_PUSH = 10;
  private static final int KEY_SPACE = 500;
  private static final int IN_FLIGHT = 8;

  @Test
  void sixteenThreadsOfSumUpdatesGiveExactTotals() throws Exception {
    try (TestCluster cluster = new TestCluster(3)) {
      PsClient shared = cluster.client();
      PsClient second = cluster.client();
      Table sparse = shared.createSparseTable(TableSpec.sparse("hot-sparse", 2));
      Table dense = shared.createDenseTable(TableSpec.dense("hot-dense", KEY_SPACE, 2));
      Table sparseViaSecond = second.sparseTable("hot-sparse");
      long[][] expected = new long[KEY_SPACE][1];
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<long[]>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          // Half the threads share one client, half use another: both paths must be exact.
          Table s = thread % 2 == 0 ? sparse : sparseViaSecond;
          results.add(pool.submit(() -> pushAll(thread, s, dense)));
        }
        for (Future<long[]> r : results) {
          long[] counts = r.get(120, TimeUnit.SECONDS);
          for (int k = 0; k < KEY_SPACE; k++) {
            expected[k][0] += counts[k];
          }
        }
      } finally {
        pool.shutdownNow();
      }
      long[] keys = new long[KEY_SPACE];
      float[] want = new float[KEY_SPACE * 2];
      for (int k = 0; k < KEY_SPACE; k++) {
        keys[k] = k;
        want[2 * k] = expected[k][0];
        want[2 * k + 1] = 2 * expected[k][0];
      }
      assertArrayEquals(want, sparse.pull(keys));
      assertArrayEquals(want, dense.pull(keys));
    }
  }

  /** Pushes (1, 2) to random overlapping keys with a few requests in flight; returns per-key counts. */
  private static long[] pushAll(int thread, Table sparse, Table dense) throws Exception {
    Random rnd = new Random(thread);
    long[] counts = new long[KEY_SPACE];
    ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    for (int p = 0; p < PUSHES_PER_THREAD; p++) {
      long[] keys = TableOperationsTest.randomKeys(rnd, KEYS_PER_PUSH, KEY_SPACE);
      for (int i = 0; i < keys.length; i++) {
        keys[i] = Math.floorMod(keys[i], KEY_SPACE);
      }
      java.util.Arrays.sort(keys);
      float[] values = new float[keys.length * 2];
      for (int i = 0; i < keys.length; i++) {
        values[2 * i] = 1;
        values[2 * i + 1] = 2;
        counts[(int) keys[i]]++;
      }
      inFlight.add(sparse.pushAsync(keys, values));
      inFlight.add(dense.pushAsync(keys, values));
      while (inFlight.size() > IN_FLIGHT) {
        inFlight.poll().get(60, TimeUnit.SECONDS);
      }
    }
    for (CompletableFuture<Void> f : inFlight) {
      f.get(60, TimeUnit.SECONDS);
    }
    return counts;
  }
}
