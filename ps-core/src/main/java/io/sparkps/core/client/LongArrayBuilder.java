package io.sparkps.core.client;

import java.util.Arrays;

/** A growable long[] for collecting chunks. Not thread-safe. */
final class LongArrayBuilder {
  private long[] data = new long[1024];
  private int size;

  void add(long[] chunk) {
    if (size + chunk.length > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, size + chunk.length));
    }
    System.arraycopy(chunk, 0, data, size, chunk.length);
    size += chunk.length;
  }

  /** The builders' contents one after the other, in one array. */
  static long[] concat(LongArrayBuilder[] parts) {
    long n = 0;
    for (LongArrayBuilder p : parts) {
      n += p.size;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("too many rows for one array: " + n + "; stream them with pullAllAsync");
    }
    long[] out = new long[(int) n];
    int at = 0;
    for (LongArrayBuilder p : parts) {
      System.arraycopy(p.data, 0, out, at, p.size);
      at += p.size;
    }
    return out;
  }
}
