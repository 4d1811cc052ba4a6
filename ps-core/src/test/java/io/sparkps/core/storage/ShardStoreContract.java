package io.sparkps.core.storage;

import io.sparkps.core.config.InitializerSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.update.Updater;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.core.update.Updaters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
public abstract class ShardStoreContract {

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
    assertThrows(IllegalStateException.class, () -> s.scanRecords(0, 1, (k, v, src, off) -> {}));
    assertThrows(IllegalStateException.class, () -> s.load(key(0), 1, new float[1], 0));
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

  // ---- checkpoint records: scanRecords and load --------------------------------------------

  /**
   * Every row exactly once across many small batches, each with its version and its full record
   * (weights then adagrad state) as the model has it; dense stores also report untouched rows.
   */
  @Test
  void scanRecordsPagesThroughEveryRowWithStateAndVersion() {
    int dim = 2;
    UpdaterSpec adagrad = UpdaterSpec.adagrad(0.1);
    ShardStore s = store(dim, adagrad, uniform());
    ModelStore m = model(dim, adagrad, uniform());
    assertEquals(dim + dim, s.rowWidth(), "adagrad keeps one accumulator per weight");
    if (!dense()) {
      assertEquals(-1, s.scanRecords(0, 5, (k, v, src, off) -> {
        throw new AssertionError("empty store has no rows");
      }));
    }
    int written = dense() ? KEYS / 2 : KEYS;  // dense: the other half stays untouched
    for (int i = 0; i < written; i++) {
      float[] g = {i % 7, -(i % 5)};
      for (int times = 0; times <= i % 3; times++) {  // versions 1..3
        s.push(new long[] {key(i)}, 0, 1, g, 0);
        m.push(key(i), g, 0);
      }
    }
    s.assign(new long[] {key(1)}, 0, 1, new float[] {8, 9}, 0);
    m.assign(key(1), new float[] {8, 9}, 0);
    Map<Long, Rec> seen = records(s, 7);
    assertEquals(dense() ? KEYS : written, seen.size());
    for (int i = 0; i < KEYS; i++) {
      long k = key(i);
      Rec r = seen.get(k);
      if (!dense() && i >= written) {
        assertEquals(null, r);
        continue;
      }
      assertEquals(m.version(k), r.version(), "key=" + k);
      assertSameBits(m.record(k), r.floats(), "key=" + k);
    }
    assertEquals(3, seen.get(key(1)).version(), "2 pushes and an assign");
    assertThrows(IllegalArgumentException.class, () -> s.scanRecords(0, 0, (k, v, src, off) -> {}));
    assertThrows(IllegalArgumentException.class, () -> s.scanRecords(-2, 1, (k, v, src, off) -> {}));
  }

  /**
   * The checkpoint round trip: rows trained with a stateful updater (and for sparse stores some
   * removed, so freed slots are in play), scanned out, loaded into a fresh store of the same
   * spec, read back identically, and then the same pushes on both stores give bit-identical
   * weights. FTRL recomputes its weights from its state on every push, so a lost state shows at
   * once; a store given only the weights is checked to diverge, so the comparison can fail.
   */
  @Test
  void scanRecordsThenLoadRestoresRowsOptimizerStateAndVersions() {
    for (UpdaterSpec updater : new UpdaterSpec[] {UpdaterSpec.adagrad(0.1), UpdaterSpec.ftrl(0.1, 1, 0.01, 0.02)}) {
      int dim = 4;
      ShardStore original = store(dim, updater, uniform());
      train(original, new Random(77), 300, 600);
      Map<Long, Rec> saved = records(original, 50);
      int width = original.rowWidth();

      // Loaded from one packed array at offsets, as a checkpoint reader would.
      float[] packed = new float[1 + saved.size() * width];
      ShardStore restored = store(dim, updater, uniform());
      ShardStore weightsOnly = store(dim, updater, uniform());
      int at = 1;
      for (Map.Entry<Long, Rec> e : saved.entrySet()) {
        System.arraycopy(e.getValue().floats(), 0, packed, at, width);
        restored.load(e.getKey(), e.getValue().version(), packed, at);
        weightsOnly.assign(new long[] {e.getKey()}, 0, 1, packed, at);
        at += width;
      }
      String where = updater.toString();
      assertSameRecords(saved, records(restored, 64), where);
      assertSameRows(original, restored, where);

      // The same seeded pushes afterwards, over every key (untouched ones included).
      for (ShardStore s : new ShardStore[] {original, restored, weightsOnly}) {
        train(s, new Random(78), 100, KEYS);
      }
      assertSameRows(original, restored, where + ", after more pushes");
      assertSameRecords(records(original, 64), records(restored, 64), where + ", after more pushes");
      long[] trained = keys(0, 600);
      assertFalse(Arrays.equals(pull(original, trained), pull(weightsOnly, trained)),
          where + ": weights without optimizer state should diverge");
    }
  }

  @Test
  void loadMaterialisesAbsentRowsAndOverwritesExistingOnes() {
    int dim = 3;
    UpdaterSpec adagrad = UpdaterSpec.adagrad(0.1);
    ShardStore s = store(dim, adagrad, uniform());
    Updater rule = Updaters.create(adagrad);
    assertEquals(6, s.rowWidth());
    float[] g = {0.5f, -1, 2};

    long absent = key(20);
    float[] rec = {1, 2, 3, 0.5f, 0.25f, 4};
    float[] buf = new float[2 + rec.length];
    System.arraycopy(rec, 0, buf, 2, rec.length);
    s.load(absent, 7, buf, 2);
    Arrays.fill(buf, 99);  // the store copied the record, not kept the array
    assertTrue(s.contains(absent));
    assertEquals(7, s.version(absent));
    assertEquals(dense() ? KEYS : 1, s.size());
    assertArrayEquals(new float[] {1, 2, 3}, pull(s, absent));
    assertSameBits(rec, records(s, 64).get(absent).floats(), "loaded record");
    s.push(new long[] {absent}, 0, 1, g, 0);
    float[] expected = rec.clone();
    rule.apply(expected, 0, dim, g, 0);  // continues from the loaded accumulators
    assertSameBits(slice(expected, 0, dim), pull(s, absent), "push after load");
    assertEquals(8, s.version(absent));

    long existing = key(21);
    s.push(new long[] {existing, existing}, 0, 2, new float[] {1, 1, 1, 2, 2, 2}, 0);
    assertEquals(2, s.version(existing));
    float[] rec2 = {-1, 0, 1, 10, 20, 30};
    s.load(existing, 1, rec2, 0);  // versions may go back: the checkpoint's is the truth
    assertEquals(1, s.version(existing));
    assertEquals(dense() ? KEYS : 2, s.size());
    assertSameBits(rec2, records(s, 64).get(existing).floats(), "overwritten record");
    s.push(new long[] {existing}, 0, 1, g, 0);
    expected = rec2.clone();
    rule.apply(expected, 0, dim, g, 0);
    assertSameBits(slice(expected, 0, dim), pull(s, existing), "push after overwrite");
    assertEquals(2, s.version(existing));

    long zero = key(22);
    s.load(zero, 0, rec, 0);
    assertEquals(0, s.version(zero));
    assertTrue(s.contains(zero));
    assertArrayEquals(new float[] {1, 2, 3}, pull(s, zero));
    assertEquals(dense() ? KEYS : 3, s.size());
  }

  @Test
  void badLoadsAreRejectedAndChangeNothing() {
    int dim = 2;
    ShardStore s = store(dim, UpdaterSpec.adagrad(0.1), uniform());
    s.push(keys(0, 10), 0, 10, new float[10 * dim], 0);
    s.push(new long[] {key(3)}, 0, 1, new float[] {1, -1}, 0);
    Map<Long, Rec> before = records(s, 64);
    int w = s.rowWidth();
    long present = key(3);
    long absent = key(100);
    for (long k : new long[] {present, absent}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> s.load(k, 5, new float[w - 1], 0));
      assertEquals("record array too short: off=0, floats=" + w
          + " (one record: dim weights + updater state), record.length=" + (w - 1)
          + " (off + floats <= length)", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> s.load(k, 5, new float[w], 1));
      assertTrue(e.getMessage().startsWith("record array too short"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> s.load(k, 5, new float[w], -1));
      assertTrue(e.getMessage().startsWith("record array too short"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> s.load(k, -1, new float[w], 0));
      assertEquals("version out of range: version=-1 (>= 0)", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> s.load(k, Long.MIN_VALUE, new float[w], 0));
    }
    if (dense()) {
      for (long k : new long[] {key(0) - 1, key(KEYS - 1) + 1, Long.MIN_VALUE}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> s.load(k, 1, new float[w], 0));
        assertTrue(e.getMessage().startsWith("key out of range: key=" + k + " (["), e.getMessage());
      }
    }
    assertEquals(dense(), s.contains(absent));
    assertEquals(dense() ? KEYS : 10, s.size());
    assertSameRecords(before, records(s, 64), "after rejected loads");
  }

  /** A row as {@link ShardStore#scanRecords} reported it: its version and a copy of its record. */
  public record Rec(long version, float[] floats) {}

  /** Every record, in scan order, through batches of {@code batch} rows; fails on a row seen twice. */
  public static Map<Long, Rec> records(ShardStore s, int batch) {
    Map<Long, Rec> rows = new LinkedHashMap<>();
    Set<Long> dup = new HashSet<>();
    int width = s.rowWidth();
    long cursor = 0;
    do {
      int[] n = {0};
      cursor = s.scanRecords(cursor, batch, (k, v, src, off) -> {
        n[0]++;
        if (rows.put(k, new Rec(v, slice(src, off, width))) != null) {
          dup.add(k);
        }
      });
      assertTrue(n[0] <= batch, "batch of " + n[0] + " rows, asked for " + batch);
    } while (cursor != -1);
    assertEquals(Set.of(), dup, "rows visited twice");
    return rows;
  }

  public static void assertSameRecords(Map<Long, Rec> expected, Map<Long, Rec> actual, String where) {
    assertEquals(expected.keySet(), actual.keySet(), where);
    expected.forEach((k, r) -> {
      assertEquals(r.version(), actual.get(k).version(), where + ", key=" + k);
      assertSameBits(r.floats(), actual.get(k).floats(), where + ", key=" + k);
    });
  }

  /** Same size, and every key of the universe has the same presence, version and weights. */
  private void assertSameRows(ShardStore expected, ShardStore actual, String where) {
    assertEquals(expected.size(), actual.size(), where);
    long[] all = keys(0, KEYS);
    assertSameBits(pull(expected, all), pull(actual, all), where);
    for (long k : all) {
      assertEquals(expected.contains(k), actual.contains(k), where + ", key=" + k);
      assertEquals(expected.version(k), actual.version(k), where + ", key=" + k);
    }
  }

  /** Equal bit for bit (NaN payloads and signed zeros included), not just numerically. */
  static void assertSameBits(float[] expected, float[] actual, String where) {
    assertEquals(expected.length, actual.length, where);
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        assertArrayEquals(expected, actual, where + ", first difference at " + i);
        throw new AssertionError(where + ": bits differ at " + i + ": " + expected[i] + " vs " + actual[i]);
      }
    }
  }

  /** Seeded batches of pushes over {@code key(0 .. universe)}, a few assigns, sparse removes. */
  private void train(ShardStore s, Random rnd, int steps, int universe) {
    int dim = s.dim();
    for (int step = 0; step < steps; step++) {
      int n = 1 + rnd.nextInt(20);
      long[] keys = new long[n];
      float[] vals = new float[n * dim];
      for (int i = 0; i < n; i++) {
        keys[i] = key(rnd.nextInt(universe));
      }
      for (int i = 0; i < vals.length; i++) {
        vals[i] = (float) rnd.nextGaussian();
      }
      int kind = rnd.nextInt(10);
      if (kind == 0) {
        s.assign(keys, 0, n, vals, 0);
      } else if (kind == 1 && !dense()) {
        s.remove(keys, 0, Math.min(2, n));
      } else {
        s.push(keys, 0, n, vals, 0);
      }
    }
  }

  /** {@code key(from) .. key(to - 1)}. */
  private long[] keys(int from, int to) {
    long[] out = new long[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = key(i);
    }
    return out;
  }

  public static Map<Long, float[]> scanAll(ShardStore s) {
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

  public static float[] pull(ShardStore s, long... keys) {
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
