package io.sparkps.core.storage;

/**
 * Receives full records from {@link ShardStore#scanRecords}: what a checkpoint needs to restore a
 * row exactly with {@link ShardStore#load}. Called on the scanning thread, synchronously.
 */
@FunctionalInterface
public interface RecordSink {

  /**
   * One row: its version and its record {@code src[off .. off + rowWidth)}, the dim weights then
   * the updater's per-row state. {@code src} is the store's own memory or a scratch buffer: copy
   * what you need and do not keep the array or write to it.
   */
  void record(long key, long version, float[] src, int off);
}
