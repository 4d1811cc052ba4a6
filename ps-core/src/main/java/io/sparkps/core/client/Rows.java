package io.sparkps.core.client;

import java.util.Arrays;

/**
 * A set of rows in ascending key order: {@code values[i*dim .. (i+1)*dim)} belongs to
 * {@code keys[i]}. The arrays are the caller's to keep; not copied.
 */
public record Rows(long[] keys, float[] values, int dim) {

  public int size() {
    return keys.length;
  }

  /** The rows sorted by key (scan order is storage order); the arrays passed in are left as they are. */
  static Rows sorted(long[] keys, float[] values, int dim) {
    int n = keys.length;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long k : keys) {
      min = Math.min(min, k);
      max = Math.max(max, k);
    }
    if (n > 0 && Long.compareUnsigned(max - min, 1L << 31) < 0) {
      // Keys within 2^31 of each other (feature indices) pack with their position into one long,
      // which Arrays.parallelSort orders several times faster than a sort moving keys and positions.
      long[] packed = new long[n];
      for (int i = 0; i < n; i++) {
        packed[i] = ((keys[i] - min) << 32) | i;
      }
      Arrays.parallelSort(packed);
      long[] sortedKeys = new long[n];
      float[] sortedValues = new float[values.length];
      for (int i = 0; i < n; i++) {
        int at = (int) packed[i];
        sortedKeys[i] = keys[at];
        System.arraycopy(values, at * dim, sortedValues, i * dim, dim);
      }
      return new Rows(sortedKeys, sortedValues, dim);
    }
    int[] order = new int[keys.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    long[] sortedKeys = keys.clone();
    IndexSort.sort(sortedKeys, order);
    float[] sortedValues = new float[values.length];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(values, order[i] * dim, sortedValues, i * dim, dim);
    }
    return new Rows(sortedKeys, sortedValues, dim);
  }
}
