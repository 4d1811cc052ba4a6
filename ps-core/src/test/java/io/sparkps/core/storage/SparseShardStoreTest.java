package io.sparkps.core.storage;

import io.sparkps.core.config.InitializerSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.partition.Hashing;
import io.sparkps.core.update.SumUpdater;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.core.update.Updaters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shard-store contract on the sparse store, plus growth, odd keys and slot reuse. */
class SparseShardStoreTest extends ShardStoreContract {

  private static final long[] SPECIAL = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1, Long.MIN_VALUE + 1};

  @Override
  ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
    return new SparseShardStore(dim, Updaters.create(updater), Initializer.of(init));
  }

  /** The special keys first, so every contract test touches them; then scattered longs. */
  @Override
  long key(int i) {
    return sparseKey(i);
  }

  /** The key universe of every sparse store's contract run. */
  static long sparseKey(int i) {
    return i < SPECIAL.length ? SPECIAL[i] : Hashing.mix64(i);
  }

  @Override
  boolean dense() {
    return false;
  }

  private SparseShardStore sparse(int dim, int expectedRows) {
    return new SparseShardStore(dim, SumUpdater.INSTANCE, Initializer.of(InitializerSpec.zeros()), expectedRows);
  }

  /**
   * Batches longer than the store's slot-resolving chunk, at offsets, with repeated keys (a key
   * twice in one push gets both deltas, in order) and new keys mixed in: same rows as the model.
   */
  @Test
  void largeBatchesWithRepeatedAndNewKeysMatchTheModel() {
    int dim = 3;
    UpdaterSpec adagrad = UpdaterSpec.adagrad(0.1);
    ShardStore s = create(dim, adagrad, InitializerSpec.uniform(-1, 1, 5));
    ModelStore m = new ModelStore(dim, Updaters.create(adagrad), Initializer.of(InitializerSpec.uniform(-1, 1, 5)));
    Random rnd = new Random(15);
    for (int round = 0; round < 30; round++) {
      int n = 1 + rnd.nextInt(1_500);
      int off = rnd.nextInt(7);
      long[] keys = new long[off + n];
      float[] vals = new float[(off + n) * dim];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = sparseKey(rnd.nextInt(2_000));
      }
      for (int i = 0; i < vals.length; i++) {
        vals[i] = (float) rnd.nextGaussian();
      }
      s.push(keys, off, n, vals, off * dim);
      for (int i = 0; i < n; i++) {
        m.push(keys[off + i], vals, (off + i) * dim);
      }
      float[] out = new float[(off + n) * dim];
      s.pull(keys, off, n, out, off * dim);
      for (int i = 0; i < n; i++) {
        float[] row = new float[dim];
        System.arraycopy(out, (off + i) * dim, row, 0, dim);
        assertArrayEquals(m.pull(keys[off + i]), row, "round " + round + " key " + keys[off + i]);
      }
    }
    assertEquals(m.rows.size(), s.size());
    s.close();
  }

  @Test
  void growsAcrossSeveralResizesAndPageBoundaries() {
    int dim = 3;
    SparseShardStore s = sparse(dim, 0);
    int startCapacity = s.capacity();
    int n = 100_000;
    Set<Long> unique = new LinkedHashSet<>();
    for (long k : SPECIAL) {
      unique.add(k);
    }
    Random rnd = new Random(7);
    while (unique.size() < n) {
      unique.add(rnd.nextLong());
    }
    long[] keys = unique.stream().mapToLong(Long::longValue).toArray();
    float[] vals = new float[n * dim];
    for (int i = 0; i < n; i++) {
      vals[i * dim] = i;
      vals[i * dim + 1] = -i;
      vals[i * dim + 2] = 0.5f;
    }
    for (int off = 0; off < n; off += 997) {
      int len = Math.min(997, n - off);
      s.push(keys, off, len, vals, off * dim);
    }
    assertEquals(n, s.size());
    assertTrue(s.capacity() >= startCapacity << 10, "capacity=" + s.capacity());
    assertTrue(s.pageCount() >= n / s.pageRows(), "pages=" + s.pageCount());
    assertTrue(s.pageCount() >= 3, "test should cross page boundaries: pages=" + s.pageCount());
    float[] out = new float[n * dim];
    s.pull(keys, 0, n, out, 0);
    assertArrayEquals(vals, out);
    Map<Long, float[]> scanned = scanAll(s);
    assertEquals(n, scanned.size());
    for (int i = 0; i < n; i += 101) {
      assertArrayEquals(slice(vals, i * dim, dim), scanned.get(keys[i]));
    }

    // Remove every other key, then put them back: slots are reused, no new pages.
    long[] odd = new long[n / 2];
    for (int i = 0; i < odd.length; i++) {
      odd[i] = keys[2 * i + 1];
    }
    assertEquals(odd.length, s.remove(odd, 0, odd.length));
    assertEquals(n - odd.length, s.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i % 2 == 0, s.contains(keys[i]), "key=" + keys[i]);
    }
    int pages = s.pageCount();
    float[] ones = new float[odd.length * dim];
    java.util.Arrays.fill(ones, 1f);
    s.push(odd, 0, odd.length, ones, 0);
    assertEquals(n, s.size());
    assertEquals(pages, s.pageCount());
    s.pull(keys, 0, n, out, 0);
    for (int i = 0; i < n; i++) {
      float[] expected = i % 2 == 0 ? slice(vals, i * dim, dim) : new float[] {1, 1, 1};
      assertArrayEquals(expected, slice(out, i * dim, dim), "key=" + keys[i]);
    }
  }

  @Test
  void expectedRowsPreSizesTheIndex() {
    SparseShardStore s = sparse(1, 10_000);
    int capacity = s.capacity();
    assertTrue(capacity * 0.6 >= 10_000, "capacity=" + capacity);
    long[] keys = new long[10_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Hashing.mix64(i + 1);
    }
    s.push(keys, 0, keys.length, new float[keys.length], 0);
    assertEquals(capacity, s.capacity());
    assertThrows(IllegalArgumentException.class, () -> sparse(1, -1));
  }

  @Test
  void extremeKeysAreOrdinaryKeys() {
    SparseShardStore s = sparse(1, 0);
    for (int i = 0; i < SPECIAL.length; i++) {
      s.push(new long[] {SPECIAL[i]}, 0, 1, new float[] {i + 1}, 0);
    }
    assertEquals(SPECIAL.length, s.size());
    for (int i = 0; i < SPECIAL.length; i++) {
      assertArrayEquals(new float[] {i + 1}, pull(s, SPECIAL[i]), "key=" + SPECIAL[i]);
    }
    assertEquals(1, s.remove(new long[] {0}, 0, 1));
    assertFalse(s.contains(0));
    assertTrue(s.contains(Long.MIN_VALUE));
    assertTrue(s.contains(-1));
    assertEquals(1, s.remove(new long[] {Long.MIN_VALUE}, 0, 1));
    assertArrayEquals(new float[] {4}, pull(s, Long.MAX_VALUE));
    assertArrayEquals(new float[] {0}, pull(s, Long.MIN_VALUE));
    assertEquals(SPECIAL.length - 2, scanAll(s).size());
  }

  @Test
  void removeThenReinsertStartsFromScratch() {
    UpdaterSpec adagrad = UpdaterSpec.adagrad(0.1);
    InitializerSpec init = InitializerSpec.normal(0, 1, 3);
    ShardStore s = store(2, adagrad, init);
    ModelStore fresh = model(2, adagrad, init);
    long k = -42;
    float[] g = {1, 1};
    s.push(new long[] {k, k, k}, 0, 3, new float[] {1, 1, 1, 1, 1, 1}, 0);
    assertEquals(3, s.version(k));
    assertEquals(1, s.remove(new long[] {k}, 0, 1));
    assertEquals(0, s.version(k));
    assertArrayEquals(fresh.pull(k), pull(s, k));
    s.push(new long[] {k}, 0, 1, g, 0);
    fresh.push(k, g, 0);
    assertArrayEquals(fresh.pull(k), pull(s, k), "optimizer state must not survive removal");
    assertEquals(1, s.version(k));
  }

  /** Backward-shift deletion in a crowded index: every survivor stays reachable after each removal. */
  @Test
  void removalsInRandomOrderKeepOtherKeysReachable() {
    SparseShardStore s = sparse(1, 0);
    List<Long> keys = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      keys.add((long) i * 1024);  // regular keys, to shake out weak hashing
    }
    for (long k : keys) {
      s.push(new long[] {k}, 0, 1, new float[] {k}, 0);
    }
    Collections.shuffle(keys, new Random(5));
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(1, s.remove(new long[] {keys.get(i)}, 0, 1));
      if (i % 97 == 0 || i > keys.size() - 50) {
        for (int j = i + 1; j < keys.size(); j++) {
          long k = keys.get(j);
          assertArrayEquals(new float[] {k}, pull(s, k), "key=" + k + " after " + (i + 1) + " removals");
        }
      }
    }
    assertEquals(0, s.size());
  }

  /**
   * Churn in the smallest index (16 buckets, never more than 9 rows, so it never grows): probe
   * runs wrap past the last bucket all the time, which is where backward-shift deletion is subtle.
   */
  @Test
  void churnInATinyIndexKeepsEveryKeyReachable() {
    SparseShardStore s = sparse(1, 0);
    int capacity = s.capacity();
    Set<Long> live = new java.util.HashSet<>();
    Random rnd = new Random(11);
    for (int op = 0; op < 20_000; op++) {
      long k = rnd.nextInt(40) - 20;
      if (live.size() < 9 && rnd.nextBoolean()) {
        s.assign(new long[] {k}, 0, 1, new float[] {k}, 0);
        live.add(k);
      } else {
        assertEquals(live.remove(k) ? 1 : 0, s.remove(new long[] {k}, 0, 1), "op " + op);
      }
      for (long q = -20; q < 20; q++) {
        assertEquals(live.contains(q), s.contains(q), "op " + op + " key=" + q);
      }
    }
    assertEquals(capacity, s.capacity());
  }

  @Test
  void pullRangeNeedsADenseTable() {
    ShardStore s = store(1, UpdaterSpec.sum(), InitializerSpec.zeros());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> s.pullRange(0, 1, new float[1], 0));
    assertEquals("pull(range) needs a dense table", e.getMessage());
  }
}
