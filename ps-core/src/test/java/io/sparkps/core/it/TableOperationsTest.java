package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.CasResult;
import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Rows;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.update.UpdaterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every table operation against a scheduler and three real servers, checked against a plain model. */
class TableOperationsTest {

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

  @Test
  void sparseOperationsMatchModel() {
    int dim = 4;
    SparseTable t = client.createSparseTable(TableSpec.sparse("sparse-model", dim));
    // One shard per shard lane (shardThreads = 2) of each of the 3 servers.
    assertEquals(6, client.routing().table("sparse-model").orElseThrow().numShards());
    TreeMap<Long, float[]> model = new TreeMap<>();
    Random rnd = new Random(7);
    for (int round = 0; round < 300; round++) {
      long[] keys = randomKeys(rnd, 1 + rnd.nextInt(60), 3000);
      float[] values = randomValues(rnd, keys.length * dim);
      switch (rnd.nextInt(7)) {
        case 0 -> {
          t.push(keys, values);
          apply(model, keys, values, dim, false);
        }
        case 1 -> {
          t.assign(keys, values);
          apply(model, keys, values, dim, true);
        }
        case 2 -> {
          float[] after = t.pushPull(keys, values);
          apply(model, keys, values, dim, false);
          assertArrayEquals(expected(model, keys, dim), after, 1e-4f);
        }
        case 3 -> {
          long removed = t.remove(keys);
          long present = Arrays.stream(keys).filter(model::containsKey).count();
          assertEquals(present, removed);
          Arrays.stream(keys).forEach(model::remove);
        }
        case 4 -> {
          boolean[] flags = t.contains(keys);
          for (int i = 0; i < keys.length; i++) {
            assertEquals(model.containsKey(keys[i]), flags[i], "contains " + keys[i]);
          }
        }
        case 5 -> assertEquals(model.size(), t.size());
        default -> assertArrayEquals(expected(model, keys, dim), t.pull(keys), 1e-4f);
      }
    }
    Rows all = t.pullAll();
    assertArrayEquals(model.keySet().stream().mapToLong(Long::longValue).toArray(), all.keys());
    assertArrayEquals(expected(model, all.keys(), dim), all.values(), 1e-4f);
    t.clear();
    assertEquals(0, t.size());
  }

  /**
   * pullAll scans every shard at once and sorts by key: keys within 2^31 of each other (feature
   * indices) take the packed sort, keys spread over all of long (negative, Long.MIN_VALUE and
   * Long.MAX_VALUE included) the general one; both return every row once, sorted, with its values.
   */
  @Test
  void pullAllReturnsEveryRowSortedWhateverTheKeysSpan() {
    Random rnd = new Random(11);
    long[] narrow = rnd.longs(5_000, -1, (1L << 31) - 1).distinct().sorted().toArray();
    long[] wide = java.util.stream.LongStream.concat(rnd.longs(5_000).distinct(),
        java.util.stream.LongStream.of(Long.MIN_VALUE, Long.MAX_VALUE, 0, -1)).distinct().sorted().toArray();
    int dim = 3;
    for (long[] keys : List.of(narrow, wide)) {
      SparseTable t = client.createSparseTable(TableSpec.sparse("pull-all-" + keys.length + "-" + keys[0], dim));
      float[] values = randomValues(rnd, keys.length * dim);
      t.assign(keys, values);
      Rows all = t.pullAll();
      assertArrayEquals(keys, all.keys());
      assertArrayEquals(values, all.values());
      assertEquals(dim, all.dim());
    }
  }

  @Test
  void denseOperationsMatchModel() {
    int rows = 1000;
    int dim = 3;
    DenseTable t = client.createDenseTable(TableSpec.dense("dense-model", rows, dim));
    float[] model = new float[rows * dim];
    Random rnd = new Random(11);
    for (int round = 0; round < 200; round++) {
      long[] keys = randomKeys(rnd, 1 + rnd.nextInt(100), rows);
      for (int i = 0; i < keys.length; i++) {
        keys[i] = Math.floorMod(keys[i], rows);
      }
      keys = Arrays.stream(keys).distinct().sorted().toArray();
      float[] values = randomValues(rnd, keys.length * dim);
      if (rnd.nextBoolean()) {
        t.push(keys, values);
        for (int i = 0; i < keys.length; i++) {
          for (int j = 0; j < dim; j++) {
            model[(int) keys[i] * dim + j] += values[i * dim + j];
          }
        }
      } else {
        t.assign(keys, values);
        for (int i = 0; i < keys.length; i++) {
          System.arraycopy(values, i * dim, model, (int) keys[i] * dim, dim);
        }
      }
      long start = rnd.nextInt(rows - 1);
      long end = start + 1 + rnd.nextInt((int) (rows - start));
      assertArrayEquals(Arrays.copyOfRange(model, (int) start * dim, (int) end * dim), t.pullRange(start, end), 1e-4f);
    }
    assertArrayEquals(model, t.pullRange(0, rows), 1e-4f);
    assertEquals(rows, t.size());
    assertTrue(allTrue(t.contains(new long[] {0, rows / 2, rows - 1})));
    Rows all = t.pullAll();
    assertEquals(rows, all.size());
    assertArrayEquals(model, all.values(), 1e-4f);
    t.clear();
    assertArrayEquals(new float[rows * dim], t.pullRange(0, rows));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.pull(new long[] {0, rows}));
    assertTrue(e.getMessage().startsWith("key out of range: key=1000"), e.getMessage());
  }

  @Test
  void compareAndSetFollowsVersions() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("cas", 2));
    CasResult fresh = t.getVersioned(42);
    assertEquals(0, fresh.version());
    CasResult first = t.cas(42, 0, new float[] {1, 2});
    assertTrue(first.applied());
    assertEquals(1, first.version());
    CasResult stale = t.cas(42, 0, new float[] {9, 9});
    assertFalse(stale.applied());
    assertEquals(1, stale.version());
    assertArrayEquals(new float[] {1, 2}, stale.values());
    t.push(new long[] {42}, new float[] {1, 1});
    CasResult afterPush = t.cas(42, 2, new float[] {5, 6});
    assertTrue(afterPush.applied(), "a push bumps the version by one");
    assertArrayEquals(new float[] {5, 6}, t.pull(new long[] {42}));
  }

  @Test
  void seededInitializerGivesSameRowEverywhereAndPullsDoNotCreateRows() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("init", 8)
        .withInitializer(InitializerSpec.normal(0, 0.1, 1234)));
    long[] keys = {-5, 3, 77, 1L << 40};
    float[] first = t.pull(keys);
    assertArrayEquals(first, t.pull(keys));
    assertEquals(0, t.size(), "pulls return initial values without materialising rows");
    assertTrue(Arrays.stream(toDoubles(first)).anyMatch(v -> v != 0));
    float[] ones = new float[keys.length * 8];
    Arrays.fill(ones, 1f);
    float[] after = t.pushPull(keys, ones);
    for (int i = 0; i < after.length; i++) {
      assertEquals(first[i] + 1f, after[i], 1e-6f);
    }
    assertEquals(keys.length, t.size());
  }

  @Test
  void serverSideUpdaterAppliesGradients() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("sgd", 2).withUpdater(UpdaterSpec.sgd(0.5)));
    t.push(new long[] {1, 2}, new float[] {1, 2, 3, 4});
    assertArrayEquals(new float[] {-0.5f, -1f, -1.5f, -2f}, t.pull(new long[] {1, 2}), 1e-6f);
  }

  @Test
  void customUpdaterIsLoadedByClassName() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("custom", 3)
        .withUpdater(UpdaterSpec.custom(MaxUpdater.class.getName())));
    t.push(new long[] {9}, new float[] {1, 5, -2});
    t.push(new long[] {9}, new float[] {3, 2, -1});
    assertArrayEquals(new float[] {3, 5, 0}, t.pull(new long[] {9}));
  }

  @Test
  void requestsLargerThanOneFrameAreSlicedAndMerged() throws Exception {
    PsConfig small = PsConfig.builder().maxFrameBytes(64 << 10).build();
    try (TestCluster c = new TestCluster(2, small, Ticker.systemTicker())) {
      PsClient smallClient = c.client();
      int dim = 4;
      SparseTable t = smallClient.createSparseTable(TableSpec.sparse("big", dim));
      long[] keys = new long[50_000];
      float[] values = new float[keys.length * dim];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i * 7L - 100_000;
        for (int j = 0; j < dim; j++) {
          values[i * dim + j] = i + j * 0.25f;
        }
      }
      t.push(keys, values);
      assertArrayEquals(values, t.pull(keys));
      Rows all = t.pullAll();
      assertArrayEquals(keys, all.keys());
      assertArrayEquals(values, all.values());
      DenseTable d = smallClient.createDenseTable(TableSpec.dense("bigdense", 100_000, 1));
      float[] dv = new float[100_000];
      long[] dk = new long[100_000];
      for (int i = 0; i < dk.length; i++) {
        dv[i] = i;
        dk[i] = i;
      }
      d.assign(dk, dv);
      assertArrayEquals(dv, d.pullRange(0, 100_000));
    }
  }

  @Test
  void catalogueRejectsDuplicatesUnknownUpdatersAndStaleHandles() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("dup", 1));
    PsRemoteException dup = assertThrows(PsRemoteException.class,
        () -> client.createSparseTable(TableSpec.sparse("dup", 1)));
    assertEquals(ErrorCode.DUPLICATE_TABLE, dup.code());
    PsRemoteException unknown = assertThrows(PsRemoteException.class, () -> client.createSparseTable(
        TableSpec.sparse("nope", 1).withUpdater(UpdaterSpec.custom("com.example.Missing"))));
    assertEquals(ErrorCode.UNKNOWN_UPDATER, unknown.code());
    assertTrue(unknown.getMessage().contains("com.example.Missing"), unknown.getMessage());
    client.dropTable("dup");
    PsRemoteException stale = assertThrows(PsRemoteException.class, () -> t.pull(new long[] {1}));
    assertEquals(ErrorCode.UNKNOWN_TABLE, stale.code());
    SparseTable again = client.createSparseTable(TableSpec.sparse("dup", 1));
    assertArrayEquals(new float[] {0}, again.pull(new long[] {1}));
    assertThrows(IllegalArgumentException.class, () -> again.pull(new long[] {2, 1}));
    assertThrows(IllegalArgumentException.class, () -> again.push(new long[] {1, 2}, new float[] {1}));
  }

  @Test
  void barrierReleasesAllPartiesTogether() throws Exception {
    List<java.util.concurrent.CompletableFuture<Void>> arrivals = new ArrayList<>();
    arrivals.add(client.barrierAsync("b1", 3));
    arrivals.add(client.barrierAsync("b1", 3));
    // A later request on the same connection is answered after the two arrivals were processed.
    assertThrows(PsRemoteException.class, () -> client.dropTable("no-such-table"));
    assertTrue(arrivals.stream().noneMatch(java.util.concurrent.CompletableFuture::isDone));
    cluster.client().barrier("b1", 3);
    for (var f : arrivals) {
      f.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static boolean allTrue(boolean[] b) {
    for (boolean x : b) {
      if (!x) {
        return false;
      }
    }
    return true;
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static long[] randomKeys(Random rnd, int n, int space) {
    TreeSet<Long> set = new TreeSet<>();
    while (set.size() < n) {
      set.add((long) rnd.nextInt(space) - space / 3);
    }
    return set.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] randomValues(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextInt(200) / 8f - 10f;
    }
    return v;
  }

  private static void apply(Map<Long, float[]> model, long[] keys, float[] values, int dim, boolean assign) {
    for (int i = 0; i < keys.length; i++) {
      float[] row = model.computeIfAbsent(keys[i], k -> new float[dim]);
      for (int j = 0; j < dim; j++) {
        row[j] = assign ? values[i * dim + j] : row[j] + values[i * dim + j];
      }
    }
  }

  private static float[] expected(Map<Long, float[]> model, long[] keys, int dim) {
    float[] out = new float[keys.length * dim];
    for (int i = 0; i < keys.length; i++) {
      float[] row = model.getOrDefault(keys[i], new float[dim]);
      System.arraycopy(row, 0, out, i * dim, dim);
    }
    return out;
  }

}
