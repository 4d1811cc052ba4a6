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

  long[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
