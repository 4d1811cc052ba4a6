package io.sparkps.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.FeatureLifecycle;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.testing.FakeTicker;
import io.sparkps.core.update.SumUpdater;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Expiry and admission on the HEAP sparse store: exactly the stale rows go, the fresh ones stay,
 * a returning key starts fresh, slots are reused, sweeps are bounded, keys below the admission
 * count get no row and the sketch's memory does not grow with the keys.
 */
class SparseShardStoreLifecycleTest {

  private static final InitializerSpec INIT = InitializerSpec.constant(0.5);

  /** Sums what the store reports, as the server's metrics do. */
  static final class Counted implements FeatureEvents {
    long evicted;
    long admitted;
    long deferred;

    @Override
    public void evicted(int rows) {
      evicted += rows;
    }

    @Override
    public void admitted(int keys) {
      admitted += keys;
    }

    @Override
    public void deferred(int keys) {
      deferred += keys;
    }
  }

  private final FakeTicker ticker = new FakeTicker();
  private final Counted events = new Counted();

  private SparseShardStore store(FeatureLifecycle lifecycle) {
    return new SparseShardStore(1, SumUpdater.INSTANCE, Initializer.of(INIT), 0, lifecycle, ticker, events);
  }

  private static long[] keys(long from, long to) {
    return LongStream.range(from, to).toArray();
  }

  private static void push(ShardStore s, long[] keys, float delta) {
    float[] d = new float[keys.length];
    java.util.Arrays.fill(d, delta);
    s.push(keys, 0, keys.length, d, 0);
  }

  private static float pull(ShardStore s, long key) {
    float[] out = new float[1];
    s.pull(new long[] {key}, 0, 1, out, 0);
    return out[0];
  }

  private static long scanCount(ShardStore s) {
    long[] n = {0};
    for (long c = 0; c >= 0; ) {
      c = s.scanRecords(c, 1000, (k, v, rec, off) -> n[0]++);
    }
    return n[0];
  }

  @Test
  void expiryByClocksRemovesExactlyTheRowsIdleForTheLimit() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterClocks(2));
    s.observeClock(7, 0);                   // the run's first push: the shard's clock is 1
    push(s, keys(0, 100), 1f);              // stamped 1
    s.observeClock(7, 1);                   // clock 2
    push(s, keys(100, 150), 2f);            // stamped 2
    s.observeClock(7, 1);                   // a straggler of clock 1 moves nothing
    assertEquals(2, s.expiryClock());
    assertEquals(150, s.size());
    assertTrue(s.contains(0), "idle for 1 clock of 2");
    s.observeClock(7, 2);                   // clock 3: rows stamped 1 are 2 clocks old
    // Stale rows read as absent at once, before any sweep reclaims them.
    assertFalse(s.contains(0));
    assertEquals(0.5f, pull(s, 99), "an expired row pulls the initial value");
    assertEquals(0, s.version(99));
    assertEquals(50, scanCount(s), "a checkpoint's scan skips expired rows");
    assertEquals(150, s.size(), "counted until swept");
    assertEquals(0, events.evicted);

    assertEquals(100, s.sweep(10_000));
    assertEquals(50, s.size());
    assertEquals(100, events.evicted);
    for (long k = 100; k < 150; k++) {
      assertEquals(2.5f, pull(s, k), "a fresh row keeps its value");
      assertEquals(1, s.version(k));
    }
    assertEquals(0, s.sweep(10_000), "nothing else is stale");
  }

  @Test
  void aNewRunMovesTheShardClockOnAndOldRunsClocksCount() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterClocks(3));
    s.observeClock(1, 10);
    assertEquals(1, s.expiryClock());
    s.observeClock(1, 12);
    assertEquals(3, s.expiryClock());
    s.observeClock(2, 0);  // the next epoch's run starts at clock 0: still forward
    assertEquals(4, s.expiryClock());
    s.observeClock(1, 13);
    assertEquals(5, s.expiryClock());
  }

  @Test
  void expiryByTickerTimeRemovesExactlyTheStaleRowsOnTheNextWrites() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterWrite(Duration.ofSeconds(10)));
    push(s, keys(0, 100), 1f);
    ticker.advance(Duration.ofSeconds(6));
    push(s, keys(100, 130), 1f);
    push(s, keys(0, 10), 1f);               // rewritten: fresh again
    ticker.advance(Duration.ofSeconds(4));  // rows 10..99 are exactly 10 s old
    assertFalse(s.contains(10));
    assertTrue(s.contains(9));
    assertTrue(s.contains(100));
    push(s, keys(1000, 1100), 1f);          // its sweep (400 slots earned, >= the 230 slots) reclaims them
    assertEquals(90, events.evicted);
    assertEquals(10 + 30 + 100, s.size());
    assertEquals(2.5f, pull(s, 5));
    assertEquals(1.5f, pull(s, 120));
  }

  @Test
  void aKeyReturningAfterExpiryStartsFreshEvenBeforeTheSweep() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterWrite(Duration.ofMillis(5)));
    push(s, new long[] {42}, 3f);
    push(s, new long[] {42}, 3f);
    assertEquals(6.5f, pull(s, 42));
    assertEquals(2, s.version(42));
    ticker.advance(Duration.ofMillis(5));
    push(s, new long[] {42}, 1f);
    assertEquals(1.5f, pull(s, 42), "initial value plus only the new push");
    assertEquals(1, s.version(42));
    assertEquals(1, events.evicted);
    assertEquals(1, s.size());
  }

  @Test
  void expiredSlotsAreReusedSoMemoryStaysBounded() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterClocks(1));
    int perClock = 20_000;
    int pagesAfterTwo = 0;
    for (int c = 0; c < 20; c++) {
      s.observeClock(1, c);
      long[] fresh = keys((long) c * perClock, (long) (c + 1) * perClock);
      for (int i = 0; i < fresh.length; i += 1000) {
        push(s, java.util.Arrays.copyOfRange(fresh, i, i + 1000), 1f);
      }
      assertTrue(s.size() <= 2L * perClock, "at most the live and the last clock's rows: " + s.size());
      if (c == 1) {
        pagesAfterTwo = s.pageCount();
      }
    }
    assertEquals(pagesAfterTwo, s.pageCount(), "freed slots are reused: no new pages");
    assertEquals(20L * perClock - s.size(), events.evicted);
  }

  @Test
  void aSweepExaminesAtMostItsBudget() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterWrite(Duration.ofSeconds(1)));
    for (int i = 0; i < 10; i++) {
      push(s, keys(i * 1000L, (i + 1) * 1000L), 1f);
    }
    ticker.advance(Duration.ofSeconds(1));
    // Every row is stale and consecutive sweeps examine consecutive slots: exactly the budget each.
    for (int i = 1; i <= 3; i++) {
      assertEquals(1000, s.sweep(1000));
      assertEquals(10_000 - i * 1000, s.size());
    }
    // Writes earn 4 slots a key: 255 single-key writes earn 1020, no sweep yet; the 256th
    // sweeps the 1024 slots after the cursor, all stale (the new rows took freed slots before it).
    long before = events.evicted;
    for (int i = 1; i <= 255; i++) {
      push(s, new long[] {-i}, 1f);
    }
    assertEquals(before, events.evicted);
    push(s, new long[] {-256}, 1f);
    assertEquals(before + SparseShardStore.SWEEP_MIN, events.evicted);
    assertEquals(7000 - 1024 + 256, s.size());
    // A large write sweeps at most SWEEP_MAX slots.
    push(s, keys(100_000, 110_000), 1f);
    assertEquals(before + SparseShardStore.SWEEP_MIN + SparseShardStore.SWEEP_MAX, events.evicted);
    assertThrows(IllegalArgumentException.class, () -> s.sweep(0));
  }

  @Test
  void aKeyBelowTheAdmissionCountHasNoRowAndTheKthPushCreatesItWithOnlyThatUpdate() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withAdmitAfter(3));
    push(s, new long[] {5, 6}, 10f);
    push(s, new long[] {5}, 10f);
    assertFalse(s.contains(5));
    assertEquals(0, s.size());
    assertEquals(0.5f, pull(s, 5), "a key not yet admitted pulls the initial value");
    assertEquals(0, s.size(), "and the pull creates no row");
    assertEquals(3, events.deferred);
    push(s, new long[] {5, 6}, 1f);
    assertTrue(s.contains(5));
    assertFalse(s.contains(6), "two pushes of 3");
    assertEquals(1.5f, pull(s, 5), "only the admitting push is applied");
    assertEquals(1, s.version(5));
    assertEquals(1, events.admitted);
    assertEquals(4, events.deferred);
    push(s, new long[] {5}, 1f);
    assertEquals(2.5f, pull(s, 5), "an admitted key takes every push");
    assertEquals(1, events.admitted);
    // Assign is an explicit write: it creates rows whatever the count.
    s.assign(new long[] {7}, 0, 1, new float[] {9f}, 0);
    assertEquals(9f, pull(s, 7));
  }

  @Test
  void theSketchKeepsItsSizeAndAdmitsNoneOfAMillionKeysSeenOnce() {
    int sketchBytes = 1 << 20;
    SparseShardStore s = store(FeatureLifecycle.NONE.withAdmitAfter(4).withAdmissionSketchBytes(sketchBytes));
    int capacity = s.capacity();
    assertEquals(sketchBytes, s.sketchBytes());
    long[] batch = new long[1000];
    for (int b = 0; b < 1000; b++) {
      for (int i = 0; i < batch.length; i++) {
        batch[i] = io.sparkps.core.partition.Hashing.mix64(b * 1000L + i);
      }
      push(s, batch, 1f);
    }
    assertEquals(0, s.size(), "no key seen once reaches 4");
    assertEquals(1_000_000, events.deferred);
    assertEquals(sketchBytes, s.sketchBytes(), "fixed whatever the number of keys");
    assertEquals(capacity, s.capacity(), "no index entry per candidate");
    assertEquals(0, s.pageCount(), "no row storage per candidate");
  }

  @Test
  void falseAdmissionsOfKeysSeenOnceStayWithinTheDocumentedBound() {
    // admitAfter 2, a sketch of 64 KiB (width 16384), 1M distinct keys: docs/features.md gives
    // the measured 0.59% (this run) under a loose analytic bound of 16%.
    SparseShardStore s = store(FeatureLifecycle.NONE.withAdmitAfter(2).withAdmissionSketchBytes(64 << 10));
    long[] batch = new long[1000];
    for (int b = 0; b < 1000; b++) {
      for (int i = 0; i < batch.length; i++) {
        batch[i] = io.sparkps.core.partition.Hashing.mix64(~(b * 1000L + i));
      }
      push(s, batch, 1f);
    }
    assertTrue(s.size() <= 10_000, "false admissions: " + s.size() + " (measured 5,858: 0.59%)");
    assertEquals(s.size(), events.admitted);
    assertEquals(1_000_000 - s.size(), events.deferred);
  }

  @Test
  void aKeySeenKTimesWithinTheWindowIsAdmittedAmidManyOthers() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withAdmitAfter(3).withAdmissionSketchBytes(1 << 20));
    Set<Long> hot = new HashSet<>();
    for (long k = 0; k < 1000; k++) {
      hot.add(-k - 1);
    }
    long[] hotKeys = hot.stream().mapToLong(Long::longValue).toArray();
    for (int round = 0; round < 3; round++) {
      // Noise seen once, 3 x 21,000 sightings in all: within one aging window (131,072 here).
      push(s, keys(round * 20_000L, (round + 1) * 20_000L), 1f);
      push(s, hotKeys, 1f);
    }
    for (long k : hotKeys) {
      assertTrue(s.contains(k), "hot key " + k + " seen 3 times");
      assertEquals(1.5f, pull(s, k));
    }
  }

  @Test
  void clearForgetsTheSketchCounts() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withAdmitAfter(2));
    push(s, new long[] {1}, 1f);
    s.clear();
    push(s, new long[] {1}, 1f);
    assertFalse(s.contains(1), "the count before clear is gone");
    push(s, new long[] {1}, 1f);
    assertTrue(s.contains(1));
  }

  @Test
  void loadedRowsStartTheirExpiryWhenLoaded() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterWrite(Duration.ofSeconds(10)));
    ticker.advance(Duration.ofSeconds(30));
    s.load(3, 4, new float[] {2f}, 0);
    assertTrue(s.contains(3));
    assertEquals(4, s.version(3));
    ticker.advance(Duration.ofSeconds(9));
    assertArrayEquals(new float[] {2f}, new float[] {pull(s, 3)});
    ticker.advance(Duration.ofSeconds(1));
    assertFalse(s.contains(3));
  }

  @Test
  void removeOfAnExpiredRowCountsAsAnEvictionNotARemoval() {
    SparseShardStore s = store(FeatureLifecycle.NONE.withExpireAfterWrite(Duration.ofSeconds(1)));
    push(s, keys(0, 3), 1f);
    ticker.advance(Duration.ofMillis(500));
    push(s, keys(1, 2), 1f);
    ticker.advance(Duration.ofMillis(500));
    assertEquals(1, s.remove(keys(0, 3), 0, 2), "key 0 had expired, key 1 was fresh");
    assertEquals(1, events.evicted, "key 0");
    assertEquals(1, s.size(), "key 2, stale, until a sweep");
  }
}
