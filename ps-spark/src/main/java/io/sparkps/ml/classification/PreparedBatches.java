package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import java.util.Iterator;

/**
 * One partition's rows cut into consecutive mini-batches of {@code batchSize} rows, each a
 * {@link LocalBatch} (sorted distinct keys, per-row slots, labels, weights): what every epoch of a
 * fit trains on. Built once per (fit, partition) and kept in the executor's {@link BatchCache}, so
 * later epochs neither re-read, re-check nor re-sort the rows. Read-only once built.
 */
final class PreparedBatches implements BatchCache.Entry {

  private final LocalBatch[] batches;
  private final int rows;
  private final long bytes;

  private PreparedBatches(LocalBatch[] batches, int rows) {
    this.batches = batches;
    this.rows = rows;
    long b = 16;
    for (LocalBatch mb : batches) {
      b += mb.bytes();
    }
    this.bytes = b;
  }

  /** {@code data} in batches of {@code batchSize} rows (the last one shorter); one batch when it is 0. */
  static PreparedBatches of(SparseExample[] data, int batchSize) {
    int size = batchSize > 0 ? batchSize : Math.max(1, data.length);
    int n = (data.length + size - 1) / size;
    LocalBatch[] batches = new LocalBatch[n];
    for (int b = 0; b < n; b++) {
      batches[b] = LocalBatch.of(data, b * size, Math.min(data.length, (b + 1) * size));
    }
    return new PreparedBatches(batches, data.length);
  }

  /**
   * Partition {@code partition}'s batches of fit {@code fitId} from the executor's cache, or, on a
   * miss, from {@code rows}, checked ({@link ExampleChecks#read}) and cached; with a null
   * {@code fitId}, always from {@code rows} and not cached. {@code batchSize} 0 means one batch of
   * the whole partition.
   */
  static PreparedBatches cached(String fitId, int partition, int batchSize, Iterator<SparseExample> rows) {
    if (fitId == null) {
      return of(ExampleChecks.read(rows, partition), batchSize);
    }
    return BatchCache.get(key(fitId, partition, batchSize),
        () -> of(ExampleChecks.read(rows, partition), batchSize));
  }

  /** The cache key of a partition's batches. */
  static String key(String fitId, int partition, int batchSize) {
    return fitId + "/" + partition + "/" + batchSize;
  }

  int size() {
    return batches.length;
  }

  LocalBatch batch(int b) {
    return batches[b];
  }

  /** Training rows over all batches. */
  int rows() {
    return rows;
  }

  @Override
  public long bytes() {
    return bytes;
  }
}
