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

  float[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
