package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.KeySlices;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.client.Table;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.client.Worker;
import io.sparkps.core.config.TableSpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pullInto and range pushes (ps-lite's ZPull/ZPush), and keys split once ({@link KeySlices}),
 * against three real servers: the same rows as the allocating forms, at any offset, and a clear
 * IllegalArgumentException (nothing sent) for wrong sizes, ranges and tables.
 */
class CallerOwnedArraysTest {

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

  private static long[] keys(int n, long stride) {
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = i * stride + 1;
    }
    return k;
  }

  private static float[] values(int n, float base) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = base + i;
    }
    return v;
  }

  @Test
  void sparsePullIntoAtAnOffsetMatchesPull() throws Exception {
    SparseTable t = client.createSparseTable(TableSpec.sparse("into-sparse", 3));
    long[] k = keys(500, 7919); // spread over all six shards: scattered slices
    t.push(k, values(k.length * 3, 1));
    float[] out = new float[5 + k.length * 3 + 4];
    Arrays.fill(out, -9);
    t.pullInto(k, out, 5);
    float[] expected = t.pull(k);
    assertArrayEquals(expected, Arrays.copyOfRange(out, 5, 5 + expected.length));
    assertArrayEquals(new float[] {-9, -9, -9, -9, -9}, Arrays.copyOfRange(out, 0, 5), "before the offset: untouched");
    assertArrayEquals(new float[] {-9, -9, -9, -9}, Arrays.copyOfRange(out, out.length - 4, out.length), "after: untouched");

    float[] again = new float[k.length * 3];
    t.pullIntoAsync(k, again, 0).get(30, TimeUnit.SECONDS);
    assertArrayEquals(expected, again);
  }

  @Test
  void rangePushAppliesExactlyTheRange() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("range-push", 2));
    long[] k = keys(300, 104_729);
    float[] before = t.pull(k);
    float[] v = values(10 + k.length * 2, 0.5f);
    // Keys [100, 250) with their values from v[10 + 0] on.
    t.push(k, 100, 250, v, 10);
    float[] after = t.pull(k);
    for (int i = 0; i < k.length; i++) {
      for (int j = 0; j < 2; j++) {
        float delta = i >= 100 && i < 250 ? v[10 + (i - 100) * 2 + j] : 0;
        assertEquals(before[i * 2 + j] + delta, after[i * 2 + j], 1e-4, "key index " + i);
      }
    }
    // The async form and a whole range behave the same way.
    t.pushAsync(k, 0, k.length, v, 10).join();
    float[] twice = t.pull(k);
    for (int i = 0; i < k.length * 2; i++) {
      assertEquals(after[i] + v[10 + i], twice[i], 1e-4);
    }
  }

  @Test
  void densePullIntoAndRangePushUseContiguousSlices() {
    DenseTable t = client.createDenseTable(TableSpec.dense("into-dense", 1000, 4));
    long[] all = keys(1000, 1);
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    float[] v = values(1000 * 4, 0);
    t.push(all, 0, all.length, v, 0);
    float[] out = new float[8 + 1000 * 4];
    t.pullInto(all, out, 8);
    assertArrayEquals(t.pull(all), Arrays.copyOfRange(out, 8, out.length));
    assertArrayEquals(t.pullRange(0, 1000), Arrays.copyOfRange(out, 8, out.length));
  }

  @Test
  void workerRangePushIsTaggedAndApplied() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("worker-range", 1));
    long[] k = keys(100, 31);
    float[] before = t.pull(k);
    try (Worker w = Worker.register(client, "range-run", 0, 1, Consistency.bsp())) {
      float[] ones = new float[k.length];
      Arrays.fill(ones, 1);
      w.push(t, k, 0, 50, ones, 0);
      w.pushAsync(t, k, 50, 100, ones, 50).join();
      w.clock();
      w.finish();
    }
    float[] after = t.pull(k);
    for (int i = 0; i < k.length; i++) {
      assertEquals(before[i] + 1, after[i], 1e-5);
    }
  }

  @Test
  void wrongSizesAndRangesAreRefusedBeforeAnythingIsSent() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("into-bad", 2));
    long[] k = {1, 2, 3};
    float[] before = t.pull(k);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.pullInto(k, new float[5], 0));
    assertEquals("out too small: out.length=5, offset=0 (needs 3 rows x dim 2 = 6 floats from the offset)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t.pullIntoAsync(k, new float[10], 5));
    assertEquals("out too small: out.length=10, offset=5 (needs 3 rows x dim 2 = 6 floats from the offset)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.pullInto(k, new float[6], -1));
    e = assertThrows(IllegalArgumentException.class, () -> t.pullInto(k, null, 0));
    assertEquals("out must not be null", e.getMessage());

    float[] v = values(6, 1);
    e = assertThrows(IllegalArgumentException.class, () -> t.push(k, 2, 1, v, 0));
    assertEquals("key range out of bounds: from=2, to=1 (0 <= from <= to <= keys.length=3)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.push(k, 0, 4, v, 0));
    assertThrows(IllegalArgumentException.class, () -> t.pushAsync(k, -1, 2, v, 0));
    e = assertThrows(IllegalArgumentException.class, () -> t.push(k, 0, 3, v, 1));
    assertEquals("values too small: values.length=6, offset=1 (needs 3 rows x dim 2 = 6 floats from the offset)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t.push(new long[] {1, 5, 4}, 0, 3, v, 0));
    assertEquals("keys must be sorted ascending and unique: keys[1]=5, keys[2]=4 (sort with Arrays.sort and drop"
        + " duplicates)", e.getMessage());
    // Unsorted keys outside the range do not matter.
    t.push(new long[] {1, 5, 4}, 0, 2, v, 2);
    float[] after = t.pull(k);
    assertEquals(before[0] + v[2], after[0], 1e-5);
    assertEquals(before[1] + v[3], after[1], 1e-5);
    assertArrayEquals(Arrays.copyOfRange(before, 2, 6), Arrays.copyOfRange(after, 2, 6), "no refused call was sent");

    DenseTable d = client.createDenseTable(TableSpec.dense("into-bad-dense", 10, 1));
    e = assertThrows(IllegalArgumentException.class, () -> d.push(new long[] {1, 12}, 0, 2, new float[2], 0));
    assertEquals("key out of range: key=12 ([0, 10)) for table into-bad-dense", e.getMessage());
    Table asTable = d;
    assertThrows(IllegalArgumentException.class, () -> asTable.pullInto(new long[] {-1}, new float[1], 0));
  }

  @Test
  void keysSplitOnceServeManyPullsAndTaggedPushes() {
    SparseTable t = client.createSparseTable(TableSpec.sparse("slices", 2));
    long[] k = keys(700, 6151); // spread over all six shards
    KeySlices slices = t.slices(k);
    assertEquals(k.length, slices.size());
    float[] v = values(k.length * 2, 1);
    try (Worker w = Worker.register(client, "slices-run", 0, 1, Consistency.bsp())) {
      float[] out = new float[3 + k.length * 2];
      for (int round = 1; round <= 3; round++) {
        w.pushAsync(t, slices, v, 0).join();
        w.clock();
        t.pullInto(slices, out, 3);
        float[] expected = t.pull(k);
        assertArrayEquals(expected, Arrays.copyOfRange(out, 3, out.length), "round " + round);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(round * v[i], expected[i], 1e-3, "round " + round + ", value " + i);
        }
      }
      // The values were copied: changing the array after the call changes nothing sent.
      float[] scratch = values(k.length * 2, 1);
      var pending = w.pushAsync(t, slices, scratch, 0);
      Arrays.fill(scratch, 1000);
      pending.join();
      w.clock();
      w.finish();
    }
    float[] after = new float[k.length * 2];
    t.pullIntoAsync(slices, after, 0).join();
    for (int i = 0; i < after.length; i++) {
      assertEquals(4 * v[i], after[i], 1e-3, "value " + i);
    }
  }

  @Test
  void keySlicesOfAnotherTableOrTooFewValuesAreRefused() {
    SparseTable a = client.createSparseTable(TableSpec.sparse("slices-a", 1));
    SparseTable b = client.createSparseTable(TableSpec.sparse("slices-b", 1));
    SparseTable wide = client.createSparseTable(TableSpec.sparse("slices-wide", 4));
    long[] k = {3, 9, 27};
    KeySlices ofA = a.slices(k);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.pullInto(ofA, new float[3], 0));
    assertTrue(e.getMessage().startsWith("these KeySlices were made for another table"), e.getMessage());
    assertTrue(e.getMessage().contains("not for table slices-b"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> wide.pullInto(ofA, new float[12], 0));
    e = assertThrows(IllegalArgumentException.class, () -> a.pullInto(ofA, new float[2], 0));
    assertEquals("out too small: out.length=2, offset=0 (needs 3 rows x dim 1 = 3 floats from the offset)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.slices(new long[] {3, 2}));
    assertTrue(e.getMessage().startsWith("keys must be sorted ascending and unique"), e.getMessage());
    try (Worker w = Worker.register(client, "slices-bad", 0, 1, Consistency.bsp())) {
      e = assertThrows(IllegalArgumentException.class, () -> w.pushAsync(a, ofA, new float[3], 1));
      assertEquals("values too small: values.length=3, offset=1 (needs 3 rows x dim 1 = 3 floats from the offset)",
          e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> w.pushAsync(b, ofA, new float[3], 0));
      w.clock();
      w.finish();
    }
    assertArrayEquals(new float[3], a.pull(k), "no refused call was sent");
    assertArrayEquals(new float[3], b.pull(k), "no refused call was sent");
  }
}
