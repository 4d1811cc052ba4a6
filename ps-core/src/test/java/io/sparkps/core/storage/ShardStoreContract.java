package io.sparkps.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.core.update.Updaters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ShardStore} must do, checked against {@link ModelStore}. Written once;
 * each implementation runs it by extending this class and saying how to build a store and which
 * keys it holds. Kind-specific behaviour (remove, size, contains on dense tables) branches on
 * {@link #dense()} instead of being copied.
 */
abstract class ShardStoreContract {

  /** Keys the tests use: {@code key(0) .. key(KEYS - 1)}; a dense store holds exactly these. */
  static final int KEYS = 4000;

  private final List<ShardStore> opened = new ArrayList<>();

  /** A new store for the key universe {@link #key}. */
  abstract ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init);

  /** The i-th key of the universe, {@code 0 <= i < KEYS}; distinct for distinct i. */
  abstract long key(int i);

  abstract boolean dense();

  final ShardStore store(int dim, UpdaterSpec updater, InitializerSpec init) {
    ShardStore s = create(dim, updater, init);
    opened.add(s);
    return s;
  }

  final ModelStore model(int dim, UpdaterSpec updater, InitializerSpec init) {
    return new ModelStore(dim, Updaters.create(updater), Initializer.of(init));
  }

  @AfterEach
  void closeStores() {
    opened.forEach(ShardStore::close);
  }

  private long expectedSize(ModelStore model) {
    return dense() ? KEYS : model.rows.size();
  }

  private static InitializerSpec uniform() {
    return InitializerSpec.uniform(-1, 1, 42);
  }

  @Test
  void pullOfAbsentRowsReturnsInitializerValuesWithoutMaterialising() {
    int dim = 5;
    ShardStore s = store(dim, UpdaterSpec.sum(), uniform());
    ModelStore m = model(dim, UpdaterSpec.sum(), uniform());
    long[] keys = {key(3), key(0), key(17), key(3)};
    float[] out = new float[2 + keys.length * dim];
    s.pull(keys, 0, keys.length, out, 2);
    for (int i = 0; i < keys.length; i++) {
      assertArrayEquals(m.pull(keys[i]), slice(out, 2 + i * dim, dim));
      assertEquals(0, s.version(keys[i]));
      assertEquals(dense(), s.contains(keys[i]));
    }
    assertEquals(expectedSize(m), s.size());
    assertNotEquals(0f, out[2], "uniform initializer should not give zeros");
  }

  @Test
  void pushWithSumAccumulatesAndBumpsVersions() {
    int dim = 3;
    ShardStore s = store(dim, UpdaterSpec.sum(), InitializerSpec.constant(1));
    long a = key(1);
    long b = key(2);
    s.push(new long[] {a, b, a}, 0, 3, new float[] {1, 2, 3, 10, 20, 30, 100, 200, 300}, 0);
    s.push(new long[] {99, b}, 1, 1, new float[] {0, 1, 1, 1}, 1);
    assertArrayEquals(new float[] {102, 203, 304, 12, 22, 32}, pull(s, a, b));
    assertEquals(2, s.version(a));
    assertEquals(2, s.version(b));
    assertTrue(s.contains(a));
    assertEquals(dense() ? KEYS : 2, s.size());
  }

  @Test
  void pushMaterialisesWithInitializerAndFreshUpdaterState() {
    int dim = 4;
    UpdaterSpec adam = UpdaterSpec.adam(0.01);
    ShardStore s = store(dim, adam, uniform());
    ModelStore m = model(dim, adam, uniform());
    float[] g = {0.5f, -1, 2, 0};
    for (int i = 0; i < 3; i++) {
      s.push(new long[] {key(7)}, 0, 1, g, 0);
      m.push(key(7), g, 0);
    }
    assertArrayEquals(m.pull(key(7)), pull(s, key(7)));
    assertArrayEquals(m.pull(key(8)), pull(s, key(8)));
  }

  @Test
  void assignSetsWeightsAndLeavesStateAlone() {
    int dim = 2;
    UpdaterSpec adagrad = UpdaterSpec.adagrad(0.1);
    ShardStore s = store(dim, adagrad, uniform());
    ModelStore m = model(dim, adagrad, uniform());
    long k = key(11);
    float[] g = {1, -2};
    float[] v = {5, 6};
    s.push(new long[] {k}, 0, 1, g, 0);
    m.push(k, g, 0);
    s.assign(new long[] {k}, 0, 1, v, 0);
    m.assign(k, v, 0);
    assertArrayEquals(v, pull(s, k));
    s.push(new long[] {k}, 0, 1, g, 0);  // the accumulator from the first push still counts
    m.push(k, g, 0);
    assertArrayEquals(m.pull(k), pull(s, k));
    assertEquals(3, s.version(k));
    long fresh = key(12);
    s.assign(new long[] {fresh}, 0, 1, v, 0);
    assertArrayEquals(v, pull(s, fresh));
    assertEquals(1, s.version(fresh));
    assertTrue(s.contains(fresh));
  }

  @Test
  void removeContainsAndSize() {
    ShardStore s = store(1, UpdaterSpec.sum(), InitializerSpec.constant(3));
    long[] keys = {key(1), key(2), key(3)};
    s.push(keys, 0, 3, new float[] {1, 1, 1}, 0);
    if (dense()) {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> s.remove(keys, 0, 1));
      assertEquals("remove needs a sparse table; use assign or clear on dense tables", e.getMessage());
      assertTrue(s.contains(key(KEYS - 1)));
      assertEquals(KEYS, s.size());
      return;
    }
    assertEquals(3, s.size());
    assertEquals(2, s.remove(new long[] {key(2), key(2), key(4), key(1)}, 0, 4));
    assertFalse(s.contains(key(1)));
    assertFalse(s.contains(key(2)));
    assertTrue(s.contains(key(3)));
    assertEquals(1, s.size());
    assertEquals(0, s.version(key(2)));
    assertArrayEquals(new float[] {3}, pull(s, key(2)));
    assertArrayEquals(new float[] {4}, pull(s, key(3)));
  }

  @Test
  void compareAndSetSucceedsOnlyAtTheExpectedVersion() {
    int dim = 2;
    ShardStore s = store(dim, UpdaterSpec.sum(), InitializerSpec.zeros());
    long k = key(5);
    assertEquals(0, s.version(k));
    assertEquals(1, s.compareAndSet(k, 0, new float[] {9, 1, 2}, 1));
    assertArrayEquals(new float[] {1, 2}, pull(s, k));
    assertTrue(s.contains(k));
    assertEquals(-1, s.compareAndSet(k, 0, new float[] {7, 7}, 0));
    assertArrayEquals(new float[] {1, 2}, pull(s, k));
    assertEquals(1, s.version(k));
    assertEquals(2, s.compareAndSet(k, 1, new float[] {3, 4}, 0));
    s.push(new long[] {k}, 0, 1, new float[] {1, 1}, 0);
    assertEquals(3, s.version(k));
    assertEquals(-1, s.compareAndSet(k, 2, new float[] {0, 0}, 0));
    assertEquals(4, s.compareAndSet(k, 3, new float[] {0, 0}, 0));
    long other = key(6);
    assertEquals(-1, s.compareAndSet(other, 5, new float[] {1, 1}, 0));
    assertEquals(0, s.version(other));
    assertEquals(dense(), s.contains(other));
  }

  @Test
  void clearResetsRowsStateAndVersions() {
    int dim = 3;
    UpdaterSpec adagrad = UpdaterSpec.adagrad(0.5);
    ShardStore s = store(dim, adagrad, uniform());
    ModelStore fresh = model(dim, adagrad, uniform());
    float[] g = {1, 2, 3};
    for (int i = 0; i < 50; i++) {
      s.push(new long[] {key(i)}, 0, 1, g, 0);
    }
    s.clear();
    assertEquals(dense() ? KEYS : 0, s.size());
    for (int i = 0; i < 50; i++) {
      assertEquals(0, s.version(key(i)));
      assertEquals(dense(), s.contains(key(i)));
      assertArrayEquals(fresh.pull(key(i)), pull(s, key(i)));
    }
    s.push(new long[] {key(0)}, 0, 1, g, 0);  // state starts over too
    fresh.push(key(0), g, 0);
    assertArrayEquals(fresh.pull(key(0)), pull(s, key(0)));
    assertEquals(1, s.version(key(0)));
  }

  @Test
  void scanVisitsEveryRowExactlyOnce() {
    int dim = 2;
    ShardStore s = store(dim, UpdaterSpec.sum(), InitializerSpec.zeros());
    if (!dense()) {
      assertEquals(-1, s.scan(0, 5, (k, src, off) -> {
        throw new AssertionError("empty store has no rows");
      }));
    }
    for (int i = 0; i < KEYS; i++) {
      s.push(new long[] {key(i)}, 0, 1, new float[] {i, -i}, 0);
    }
    Map<Long, float[]> seen = new HashMap<>();
    long cursor = 0;
    int calls = 0;
    do {
      int[] batch = {0};
      cursor = s.scan(cursor, 7, (k, src, off) -> {
        batch[0]++;
        float[] prev = seen.put(k, slice(src, off, dim));
        assertEquals(null, prev, "row visited twice: key=" + k);
      });
      assertTrue(batch[0] <= 7);
      calls++;
    } while (cursor != -1);
    assertEquals(KEYS, seen.size());
    assertTrue(calls >= KEYS / 7);
    for (int i = 0; i < KEYS; i++) {
      assertArrayEquals(new float[] {i, -i}, seen.get(key(i)), "key=" + key(i));
    }
    assertThrows(IllegalArgumentException.class, () -> s.scan(0, 0, (k, src, off) -> {}));
    assertThrows(IllegalArgumentException.class, () -> s.scan(-2, 1, (k, src, off) -> {}));
  }

  @Test
  void shortArraysAreRejectedBeforeAnythingChanges() {
    int dim = 3;
    ShardStore s = store(dim, UpdaterSpec.sum(), InitializerSpec.zeros());
    long[] keys = {key(1), key(2)};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.push(keys, 0, 2, new float[5], 0));
    assertTrue(e.getMessage().startsWith("deltas array too short"), e.getMessage());
    assertTrue(e.getMessage().contains("deltas.length=5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.pull(keys, 1, 2, new float[6], 0));
    assertTrue(e.getMessage().startsWith("keys array too short"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.pull(keys, 0, 2, new float[6], 1));
    assertTrue(e.getMessage().startsWith("out array too short"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.assign(keys, 0, 2, new float[6], -1));
    assertThrows(IllegalArgumentException.class, () -> s.compareAndSet(key(1), 0, new float[2], 0));
    assertThrows(IllegalArgumentException.class, () -> s.push(keys, 0, -1, new float[6], 0));
    assertEquals(0, s.version(key(1)));
    assertEquals(dense() ? KEYS : 0, s.size());
  }

  @Test
  void emptyBatchesAreFine() {
    ShardStore s = store(2, UpdaterSpec.sum(), InitializerSpec.zeros());
    s.pull(new long[0], 0, 0, new float[0], 0);
    s.push(new long[0], 0, 0, new float[0], 0);
    s.assign(new long[0], 0, 0, new float[0], 0);
    assertEquals(dense() ? KEYS : 0, s.size());
  }

  @Test
  void closedStoreRefusesWork() {
    ShardStore s = store(1, UpdaterSpec.sum(), InitializerSpec.zeros());
    assertEquals(1, s.dim());
    s.close();
    s.close();
    assertThrows(IllegalStateException.class, s::size);
    assertThrows(IllegalStateException.class, () -> s.pull(new long[] {key(0)}, 0, 1, new float[1], 0));
    assertThrows(IllegalStateException.class, () -> s.push(new long[] {key(0)}, 0, 1, new float[1], 0));
  }

  /** ~20k seeded random operations on a small key set, every result compared with the model. */
  @Test
  void randomOperationsMatchTheModel() {
    int dim = 3;
    UpdaterSpec adagrad = UpdaterSpec.adagrad(0.1);
    ShardStore s = store(dim, adagrad, uniform());
    ModelStore m = model(dim, adagrad, uniform());
    Random rnd = new Random(20240611);
    int universe = 300;
    for (int op = 0; op < 20_000; op++) {
      int n = 1 + rnd.nextInt(6);
      long[] keys = new long[n];
      float[] vals = new float[n * dim];
      for (int i = 0; i < n; i++) {
        keys[i] = key(rnd.nextInt(universe));
      }
      for (int i = 0; i < vals.length; i++) {
        vals[i] = (float) rnd.nextGaussian();
      }
      String where = "op " + op;
      int kind = rnd.nextInt(100);
      if (kind < 25) {
        float[] out = new float[n * dim];
        s.pull(keys, 0, n, out, 0);
        for (int i = 0; i < n; i++) {
          assertArrayEquals(m.pull(keys[i]), slice(out, i * dim, dim), where);
        }
      } else if (kind < 50) {
        s.push(keys, 0, n, vals, 0);
        for (int i = 0; i < n; i++) {
          m.push(keys[i], vals, i * dim);
        }
      } else if (kind < 60) {
        s.assign(keys, 0, n, vals, 0);
        for (int i = 0; i < n; i++) {
          m.assign(keys[i], vals, i * dim);
        }
      } else if (kind < 72) {
        if (!dense()) {
          int expected = 0;
          for (long k : keys) {
            expected += m.remove(k) ? 1 : 0;
          }
          assertEquals(expected, s.remove(keys, 0, n), where);
        }
      } else if (kind < 85) {
        long k = keys[0];
        long v = m.version(k);
        long expectedVersion = rnd.nextBoolean() ? v : v + 1 - rnd.nextInt(3);
        assertEquals(m.cas(k, expectedVersion, vals, 0), s.compareAndSet(k, expectedVersion, vals, 0), where);
      } else if (kind < 99) {
        for (long k : keys) {
          assertEquals(dense() || m.contains(k), s.contains(k), where);
          assertEquals(m.version(k), s.version(k), where);
        }
      } else if (rnd.nextInt(20) == 0) {
        s.clear();
        m.clear();
      }
      assertEquals(expectedSize(m), s.size(), where);
    }
    Map<Long, float[]> scanned = scanAll(s);
    if (!dense()) {
      assertEquals(m.rows.keySet(), scanned.keySet());
    }
    for (int i = 0; i < universe; i++) {
      assertArrayEquals(m.pull(key(i)), pull(s, key(i)), "final key=" + key(i));
      if (scanned.containsKey(key(i))) {
        assertArrayEquals(m.pull(key(i)), scanned.get(key(i)));
      }
    }
  }

  static Map<Long, float[]> scanAll(ShardStore s) {
    Map<Long, float[]> rows = new HashMap<>();
    Set<Long> dup = new HashSet<>();
    long cursor = 0;
    do {
      cursor = s.scan(cursor, 64, (k, src, off) -> {
        if (rows.put(k, slice(src, off, s.dim())) != null) {
          dup.add(k);
        }
      });
    } while (cursor != -1);
    assertEquals(Set.of(), dup, "rows visited twice");
    return rows;
  }

  static float[] pull(ShardStore s, long... keys) {
    float[] out = new float[keys.length * s.dim()];
    s.pull(keys, 0, keys.length, out, 0);
    return out;
  }

  static float[] slice(float[] src, int off, int len) {
    float[] out = new float[len];
    System.arraycopy(src, off, out, 0, len);
    return out;
  }
}
