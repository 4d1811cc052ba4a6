package io.sparkps.core.storage;

import io.sparkps.core.partition.Hashing;

/**
 * Counts the pushes of keys that have no row yet, in a fixed number of bytes however many keys
 * there are, and says when a key reaches its admission count: a count-min sketch of
 * {@value #DEPTH} rows of one-byte saturating counters with conservative update (a sighting
 * raises only the counters at the key's current minimum, which keeps over-counts low).
 *
 * <p>Error: a count-min sketch never under-counts a key within its window and over-counts it
 * only through collisions. So that the counters do not fill up on an endless stream of new keys,
 * every {@code width / 2} sightings halve all counters (aging, as in TinyLFU): the mean counter
 * then stays at or below 1, so a key pushed once is admitted early with probability at most about
 * {@code P[Poisson(1) >= k - 1]^4} (16% for k = 2, 0.5% for k = 3, 4e-5 for k = 4); conservative
 * update does much better: measured on 1M distinct keys pushed once, 0.55-0.59% admitted at
 * k = 2 and none at k = 3, 4, 5 (64 KiB and 1 MiB sketches). The price: a key is admitted when
 * its pushes fall within about {@code width / 2} sightings of other not-yet-admitted keys on its
 * shard; older sightings count half per window. See docs/features.md.
 *
 * <p>NOT thread-safe: confined to its store's thread.
 */
final class AdmissionSketch {

  /** Rows of counters; each key has one counter per row. */
  static final int DEPTH = 4;
  private static final long SALT = 0x6A09E667F3BCC909L;

  private final byte[] counters;
  private final int width;
  private final int mask;
  private final int threshold;
  private final int agingPeriod;
  private int sightings;

  /** A sketch of at most {@code bytes} bytes (rounded down to a power of two) admitting at {@code threshold}. */
  AdmissionSketch(int bytes, int threshold) {
    if (bytes < DEPTH * 16 || threshold < 1 || threshold > 255) {
      throw new IllegalArgumentException("admission sketch out of range: bytes=" + bytes + " (>= "
          + DEPTH * 16 + "), threshold=" + threshold + " ([1, 255])");
    }
    this.width = Integer.highestOneBit(bytes / DEPTH);
    this.mask = width - 1;
    this.counters = new byte[width * DEPTH];
    this.threshold = threshold;
    this.agingPeriod = Math.max(1, width / 2);
  }

  /** Heap bytes of the sketch that {@code new AdmissionSketch(bytes, k)} allocates (its counters). */
  static long bytesFor(int bytes) {
    return (long) Integer.highestOneBit(bytes / DEPTH) * DEPTH;
  }

  /** Counts one push of {@code key}; true when its estimated count reaches the threshold. */
  boolean offer(long key) {
    long h = Hashing.mix64(key ^ SALT);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;  // odd: the DEPTH probes differ
    int min = 255;
    for (int i = 0; i < DEPTH; i++) {
      min = Math.min(min, counters[i * width + ((h1 + i * h2) & mask)] & 0xff);
    }
    int next = Math.min(255, min + 1);
    for (int i = 0; i < DEPTH; i++) {
      int at = i * width + ((h1 + i * h2) & mask);
      if ((counters[at] & 0xff) < next) {
        counters[at] = (byte) next;
      }
    }
    if (++sightings >= agingPeriod) {
      age();
    }
    return next >= threshold;
  }

  /** The estimated count of {@code key} (the minimum of its counters), for tests. */
  int estimate(long key) {
    long h = Hashing.mix64(key ^ SALT);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    int min = 255;
    for (int i = 0; i < DEPTH; i++) {
      min = Math.min(min, counters[i * width + ((h1 + i * h2) & mask)] & 0xff);
    }
    return min;
  }

  /** Halves every counter: older sightings fade, so the counters never fill up. */
  private void age() {
    sightings = 0;
    byte[] c = counters;
    for (int i = 0; i < c.length; i++) {
      c[i] = (byte) ((c[i] & 0xff) >>> 1);
    }
  }

  /** Forgets every count (the store was cleared). */
  void clear() {
    java.util.Arrays.fill(counters, (byte) 0);
    sightings = 0;
  }

  /** Bytes of counters held: fixed at construction. */
  long bytes() {
    return counters.length;
  }

  int width() {
    return width;
  }
}
