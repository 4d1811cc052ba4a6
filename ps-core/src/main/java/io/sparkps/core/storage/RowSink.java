package io.sparkps.core.storage;

/**
 * Receives rows from {@link ShardStore#scan}. Called on the scanning thread, synchronously.
 */
@FunctionalInterface
public interface RowSink {

  /**
   * One row: its weights are {@code src[off .. off+dim)}. {@code src} is the store's own memory:
   * copy what you need and do not keep the array or write to it.
   */
  void row(long key, float[] src, int off);
}
