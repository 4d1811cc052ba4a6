package io.sparkps.core.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations in nanoseconds counted in fixed buckets: values below 4 have a bucket each, and each
 * power of two above is split into 4 equal buckets, so a percentile read from the buckets is at
 * most 25% above the true value (never below it), from 1 ns to Long.MAX_VALUE in 248 buckets.
 * Bounded memory (2 KB) whatever is recorded; counts since creation. Thread-safe and lock-free;
 * {@link #record} allocates nothing.
 */
public final class LatencyHistogram {

  /** Buckets per power of two (a power of two itself). */
  private static final int SUB = 4;
  private static final int SUB_BITS = 2;
  static final int BUCKETS = bucketOf(Long.MAX_VALUE) + 1;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder count = new LongAdder();
  private final LongAdder sum = new LongAdder();
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  /** Counts one duration; negative values (a ticker that went back) count as 0. */
  public void record(long nanos) {
    long v = Math.max(0, nanos);
    counts.incrementAndGet(bucketOf(v));
    count.increment();
    sum.add(v);
    max.accumulate(v);
  }

  /** The counts so far, copied (each bucket read once; concurrent records may land on either side). */
  public LatencySnapshot snapshot() {
    long[] c = new long[BUCKETS];
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      c[i] = counts.get(i);
      n += c[i];
    }
    return new LatencySnapshot(c, n, sum.sum(), max.get());
  }

  /** Which bucket holds {@code v >= 0}. */
  static int bucketOf(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int msb = 63 - Long.numberOfLeadingZeros(v);
    int sub = (int) (v >>> (msb - SUB_BITS)) & (SUB - 1);
    return (msb - SUB_BITS + 1) * SUB + sub;
  }

  /** The smallest value bucket {@code i} holds. */
  static long lowerBound(int i) {
    if (i < SUB) {
      return i;
    }
    int msb = i / SUB + SUB_BITS - 1;
    long sub = i % SUB;
    return (SUB + sub) << (msb - SUB_BITS);
  }

  /** The largest value bucket {@code i} holds. */
  static long upperBound(int i) {
    return i + 1 >= BUCKETS ? Long.MAX_VALUE : lowerBound(i + 1) - 1;
  }
}
