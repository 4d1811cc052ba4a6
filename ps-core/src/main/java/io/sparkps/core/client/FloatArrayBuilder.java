package io.sparkps.core.client;

import java.util.Arrays;

/** A growable float[] for collecting chunks. Not thread-safe. */
final class FloatArrayBuilder {
  private float[] data = new float[1024];
  private int size;

  void add(float[] chunk) {
    if (size + chunk.length > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, size + chunk.length));
    }
    System.arraycopy(chunk, 0, data, size, chunk.length);
    size += chunk.length;
  }

  /** The builders' contents one after the other, in one array. */
  static float[] concat(FloatArrayBuilder[] parts) {
    long n = 0;
    for (FloatArrayBuilder p : parts) {
      n += p.size;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("too many values for one array: " + n + "; stream them with pullAllAsync");
    }
    float[] out = new float[(int) n];
    int at = 0;
    for (FloatArrayBuilder p : parts) {
      System.arraycopy(p.data, 0, out, at, p.size);
      at += p.size;
    }
    return out;
  }
}
