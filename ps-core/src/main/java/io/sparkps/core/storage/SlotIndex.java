package io.sparkps.core.storage;

import io.sparkps.core.partition.Hashing;

/**
 * The key index of a {@link SparseShardStore}: a primitive open-addressing table from
 * {@code long} key to row slot, with linear probing, a power-of-two capacity, a 0.6 load factor
 * and backward-shift deletion (no tombstones). A bucket is two adjacent longs, the key and its
 * row slot plus one, so a probe reads one cache line, not one in a key array and one in a slot
 * array (with millions of keys nearly every lookup misses the cache: two arrays cost two misses).
 * A bucket is empty when its slot entry is 0, so every key value, 0 and {@code Long.MIN_VALUE}
 * included, is a legal key. Growing rehashes only this index: the rows its slots name never move.
 *
 * <p>Insertion is two calls so that a new key is probed once: {@link #getOrReserve} finds the
 * key or, growing first if needed, the empty bucket it goes in; the store allocates the row and
 * then {@link #insert}s it there.
 *
 * <p>NOT thread-safe: confined to its store's thread (see {@link ShardStore}).
 */
final class SlotIndex {

  /**
   * Capacity is a power of two up to this (two longs a bucket: the largest array Java allows);
   * more rows (over 322M in one shard) need more servers.
   */
  private static final int MAX_CAPACITY = 1 << 29;
  private static final int MIN_CAPACITY = 16;
  private static final double LOAD_FACTOR = 0.6;
  /** Most rows an index can be sized for up front. */
  private static final long MAX_EXPECTED_ROWS = (long) (MAX_CAPACITY * LOAD_FACTOR);
  /**
   * The ring places keys by {@code mix64(key)}, so within one shard those hashes are clustered;
   * salting gives the index hash bits unrelated to the placement.
   */
  private static final long SALT = 0x2545F4914F6CDD1DL;

  private final int initialCapacity;
  // bucket b -> buckets[2b] = key, buckets[2b + 1] = row slot + 1 (0: the bucket is empty).
  private long[] buckets;
  private int mask;
  private int size;
  private int resizeAt;

  /** An index sized to hold {@code expectedRows} keys before it first grows. */
  SlotIndex(int expectedRows) {
    if (expectedRows < 0 || expectedRows > MAX_EXPECTED_ROWS) {
      throw new IllegalArgumentException("sparse shard capacity out of range: expectedRows="
          + expectedRows + " ([0, " + MAX_EXPECTED_ROWS + "])");
    }
    long need = (long) Math.ceil(expectedRows / LOAD_FACTOR) + 1;
    int cap = MIN_CAPACITY;
    while (cap < need && cap < MAX_CAPACITY) {
      cap <<= 1;
    }
    this.initialCapacity = cap;
    clear();
  }

  /** Back to empty at the initial capacity. */
  void clear() {
    buckets = new long[2 * initialCapacity];
    mask = initialCapacity - 1;
    resizeAt = (int) (initialCapacity * LOAD_FACTOR);
    size = 0;
  }

  /** Drops the tables (the store closed); any later use fails. */
  void release() {
    buckets = null;
  }

  /** Keys held. */
  int size() {
    return size;
  }

  /** Buckets. */
  int capacity() {
    return buckets.length / 2;
  }

  private int home(long key) {
    return (int) Hashing.mix64(key ^ SALT) & mask;
  }

  /** The row slot of {@code key}, or -1 when absent. */
  int get(long key) {
    long[] t = buckets;
    for (int b = home(key); ; b = (b + 1) & mask) {
      long s = t[2 * b + 1];
      if (s == 0) {
        return -1;
      }
      if (t[2 * b] == key) {
        return (int) s - 1;
      }
    }
  }

  /**
   * The row slot of {@code key} (>= 0) when present; otherwise makes room for one more key
   * (growing if full) and returns {@code -(bucket + 1)} for the empty bucket it belongs in, to
   * be passed to {@link #insert} before anything else changes the index.
   */
  int getOrReserve(long key) {
    long[] t = buckets;
    int b = home(key);
    for (long s; (s = t[2 * b + 1]) != 0; b = (b + 1) & mask) {
      if (t[2 * b] == key) {
        return (int) s - 1;
      }
    }
    if (size >= resizeAt) {
      grow();
      b = emptyBucket(key);
    }
    return -(b + 1);
  }

  /** Puts {@code key -> slot} in the bucket {@link #getOrReserve} reserved for it. */
  void insert(int reserved, long key, int slot) {
    int b = -reserved - 1;
    buckets[2 * b] = key;
    buckets[2 * b + 1] = slot + 1L;
    size++;
  }

  /** Removes {@code key}; returns the row slot it had, or -1 when absent. */
  int remove(long key) {
    int b = home(key);
    for (; ; b = (b + 1) & mask) {
      if (buckets[2 * b + 1] == 0) {
        return -1;
      }
      if (buckets[2 * b] == key) {
        break;
      }
    }
    int slot = (int) buckets[2 * b + 1] - 1;
    deleteBucket(b);
    size--;
    return slot;
  }

  private int emptyBucket(long key) {
    int b = home(key);
    while (buckets[2 * b + 1] != 0) {
      b = (b + 1) & mask;
    }
    return b;
  }

  private void grow() {
    int capacity = capacity();
    if (capacity >= MAX_CAPACITY) {
      throw new IllegalStateException("sparse shard full: rows=" + size + " (<= " + resizeAt
          + "); use more servers");
    }
    long[] old = buckets;
    int newCapacity = capacity << 1;
    buckets = new long[2 * newCapacity];
    mask = newCapacity - 1;
    resizeAt = (int) (newCapacity * LOAD_FACTOR);
    for (int i = 0; i < capacity; i++) {
      if (old[2 * i + 1] != 0) {
        int b = emptyBucket(old[2 * i]);
        buckets[2 * b] = old[2 * i];
        buckets[2 * b + 1] = old[2 * i + 1];
      }
    }
  }

  /**
   * Backward-shift deletion: walks the probe run after the hole and moves back every entry whose
   * home is not cyclically within (hole, entry], so lookups never need tombstones.
   */
  private void deleteBucket(int hole) {
    for (int j = (hole + 1) & mask; buckets[2 * j + 1] != 0; j = (j + 1) & mask) {
      int h = home(buckets[2 * j]);
      boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!stays) {
        buckets[2 * hole] = buckets[2 * j];
        buckets[2 * hole + 1] = buckets[2 * j + 1];
        hole = j;
      }
    }
    buckets[2 * hole + 1] = 0;
  }
}
