package io.sparkps.core.client;

/**
 * A set of rows in ascending key order: {@code values[i*dim .. (i+1)*dim)} belongs to
 * {@code keys[i]}. The arrays are the caller's to keep; not copied.
 */
public record Rows(long[] keys, float[] values, int dim) {

  public int size() {
    return keys.length;
  }

  /** Sorts rows by key in place (scan order is storage order). */
  static Rows sorted(long[] keys, float[] values, int dim) {
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
