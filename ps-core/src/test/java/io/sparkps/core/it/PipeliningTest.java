package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several requests in flight per connection, as a training loop uses them: one thread prefetching
 * the next batch while it pushes the current one, and a worker with many tagged pushes in flight
 * (servers apply a worker's pushes to a shard only in increasing (clock, seq) order, so one push
 * overtaking another would be dropped and the sums below would be off).
 */
class PipeliningTest {

  private static final int DIM = 2;
  private static TestCluster cluster;
  private static PsClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(3);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** Batch b of n batches: 200 keys spread over every shard, disjoint from the other batches. */
  private static long[] batch(int b) {
    long[] k = new long[200];
    for (int i = 0; i < k.length; i++) {
      k[i] = (long) i * 1_000 + b;
    }
    return k;
  }

  /** The gradient pushed for key k: (k mod 7 + 1, 1). */
  private static float[] gradient(long[] keys) {
    float[] g = new float[keys.length * DIM];
    for (int i = 0; i < keys.length; i++) {
      g[i * DIM] = keys[i] % 7 + 1;
      g[i * DIM + 1] = 1;
    }
    return g;
  }

  @Test
  void prefetchingTheNextBatchWhilePushingThisOneSeesExactRows() throws Exception {
    SparseTable t = client.createSparseTable(TableSpec.sparse("prefetch", DIM));
    int batches = 8;
    float[][] initial = new float[batches][];
    for (int b = 0; b < batches; b++) {
      initial[b] = t.pull(batch(b)); // the initializer's rows
    }
    float[][] buffers = {new float[200 * DIM], new float[200 * DIM]};
    for (int epoch = 0; epoch < 3; epoch++) {
      CompletableFuture<Void> prefetch = t.pullIntoAsync(batch(0), buffers[0], 0);
      for (int b = 0; b < batches; b++) {
        prefetch.get(30, TimeUnit.SECONDS);
        float[] rows = buffers[b % 2];
        long[] keys = batch(b);
        float[] g = gradient(keys);
        for (int i = 0; i < rows.length; i++) {
          assertEquals(initial[b][i] + epoch * g[i], rows[i], 0f, "epoch " + epoch + ", batch " + b + ", float " + i);
        }
        // Batch b + 1 is pulled while batch b's push is in flight (their keys are disjoint).
        prefetch = b + 1 < batches ? t.pullIntoAsync(batch(b + 1), buffers[(b + 1) % 2], 0)
            : CompletableFuture.completedFuture(null);
        CompletableFuture<Void> push = t.pushAsync(keys, 0, keys.length, g, 0);
        push.get(30, TimeUnit.SECONDS);
      }
      prefetch.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWorkersManyPushesInFlightKeepTheirOrderAndReplaysApplyNothingTwice() throws Exception {
    SparseTable t = client.createSparseTable(TableSpec.sparse("in-flight", DIM));
    long[] keys = batch(0);
    float[] g = gradient(keys);
    float[] initial = t.pull(keys);
    int pushesPerClock = 40;
    try (Worker w = Worker.register(client, "in-flight", 0, 1, Consistency.bsp())) {
      for (int c = 0; c < 3; c++) {
        pushMany(w, t, keys, g, pushesPerClock);
        w.clock();
      }
      float[] applied = t.pull(keys);
      for (int i = 0; i < applied.length; i++) {
        assertEquals(initial[i] + 3 * pushesPerClock * g[i], applied[i], 0f, "float " + i);
      }
      // A retried task replays clocks 1 and 2, with as many pushes in flight: nothing changes.
      w.resumeFrom(1);
      for (int c = 1; c < 3; c++) {
        pushMany(w, t, keys, g, pushesPerClock);
        w.clock();
      }
      assertArrayEquals(applied, t.pull(keys), "replayed pushes were not applied again");
      pushMany(w, t, keys, g, pushesPerClock);
      w.clock();
      float[] after = t.pull(keys);
      for (int i = 0; i < after.length; i++) {
        assertEquals(applied[i] + pushesPerClock * g[i], after[i], 0f, "a new clock's pushes all apply");
      }
      w.finish();
    }
  }

  /** {@code n} pushes in flight at once, alternating between the whole-array and range forms. */
  private static void pushMany(Worker w, SparseTable t, long[] keys, float[] g, int n) throws Exception {
    List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      inFlight.add(i % 2 == 0 ? w.pushAsync(t, keys, g) : w.pushAsync(t, keys, 0, keys.length, g, 0));
    }
    CompletableFuture.allOf(inFlight.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
  }
}
