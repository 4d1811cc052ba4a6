package io.sparkps.core.storage.chronicle;

/**
 * One row on the heap: the floats (weights then state) and the version. Rows are copied through
 * one of these rather than read in place, so no caller ever holds the map's memory; the store
 * reuses one as scratch so a row operation allocates nothing. NOT thread-safe.
 */
final class RowBuffer {
  final float[] row;
  long version;

  RowBuffer(int width) {
    this.row = new float[width];
  }
}
