package io.sparkps.core.protocol;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few large {@code float[]}s for the values of decoded pushes, handed back by the server once
 * the push is applied, so a stream of dense pushes does not allocate (and zero) a row-sized
 * array per request: a 4 MiB row is a G1 humongous object, allocated outside the young
 * generation and zeroed page by page on every push. Only arrays of {@link #MIN_FLOATS} to
 * {@link #MAX_FLOATS} floats are kept, at most {@link #SLOTS} of them, so the pool holds at most
 * 64 MiB of heap. A taken array's contents are undefined: the decoder overwrites all of it.
 * Thread-safe and lock-free: arrays are taken on an event loop and given back on a shard lane.
 */
public final class FloatArrayPool {

  /** Smaller arrays are cheap to allocate (young generation): not pooled. */
  static final int MIN_FLOATS = 64 << 10;
  /** Larger arrays would pin too much heap. */
  static final int MAX_FLOATS = 4 << 20;
  static final int SLOTS = 4;

  private static final AtomicReferenceArray<float[]> POOL = new AtomicReferenceArray<>(SLOTS);

  private FloatArrayPool() {}

  /** An array of exactly {@code n} floats: a pooled one when there is one of that length, else a new one. */
  public static float[] take(int n) {
    if (n >= MIN_FLOATS && n <= MAX_FLOATS) {
      for (int i = 0; i < SLOTS; i++) {
        float[] a = POOL.get(i);
        if (a != null && a.length == n && POOL.compareAndSet(i, a, null)) {
          return a;
        }
      }
    }
    return new float[n];
  }

  /**
   * Gives {@code a} back for reuse. The caller must hold the only reference to it (nothing may
   * read or write it afterwards). Arrays outside the pooled sizes, or with the pool full, are
   * left to the garbage collector; a full pool replaces an array of another length, so the pool
   * follows the sizes in use.
   */
  public static void give(float[] a) {
    if (a == null || a.length < MIN_FLOATS || a.length > MAX_FLOATS) {
      return;
    }
    for (int i = 0; i < SLOTS; i++) {
      if (POOL.get(i) == null && POOL.compareAndSet(i, null, a)) {
        return;
      }
    }
    int victim = (int) (Thread.currentThread().getId() % SLOTS);
    float[] old = POOL.get(victim);
    if (old != null && old.length != a.length) {
      POOL.compareAndSet(victim, old, a);
    }
  }

  /** Empties the pool (tests). */
  static void clear() {
    for (int i = 0; i < SLOTS; i++) {
      POOL.set(i, null);
    }
  }
}
