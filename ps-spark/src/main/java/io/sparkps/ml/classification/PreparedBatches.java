package io.sparkps.ml.classification;

import io.sparkps.core.client.KeySlices;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.TableHandle;
import java.util.Iterator;

/**
 * One partition's rows cut into consecutive mini-batches of {@code batchSize} rows, each a
 * {@link LocalBatch} (sorted distinct keys, per-row slots, labels, weights) with its keys already
 * split by the model table's shards ({@link KeySlices}): what every epoch of a fit trains on.
 * Built once per (fit, partition) and kept in the executor's {@link BatchCache}, so later epochs
 * neither re-read, re-check nor re-sort the rows, nor hash their keys to shards again. Read-only
 * once built.
 */
final class PreparedBatches implements BatchCache.Entry {

  private final LocalBatch[] batches;
  private final KeySlices[] slices;
  private final int rows;
  private final int maxKeys;
  private final long bytes;

  private PreparedBatches(LocalBatch[] batches, KeySlices[] slices, int rows) {
    this.batches = batches;
    this.slices = slices;
    this.rows = rows;
    long b = 16;
    int most = 0;
    for (int i = 0; i < batches.length; i++) {
      b += batches[i].bytes() + slices[i].bytes();
      most = Math.max(most, batches[i].keys.length);
    }
    this.bytes = b;
    this.maxKeys = most;
  }

  /**
   * {@code data} in batches of {@code batchSize} rows (the last one shorter), one batch when it is
   * 0, each batch's keys split for {@code table}.
   */
  static PreparedBatches of(SparseExample[] data, int batchSize, TableHandle table) {
    int size = batchSize > 0 ? batchSize : Math.max(1, data.length);
    int n = (data.length + size - 1) / size;
    LocalBatch[] batches = new LocalBatch[n];
    KeySlices[] slices = new KeySlices[n];
    for (int b = 0; b < n; b++) {
      batches[b] = LocalBatch.of(data, b * size, Math.min(data.length, (b + 1) * size));
      slices[b] = table.slices(batches[b].keys);
    }
    return new PreparedBatches(batches, slices, data.length);
  }

  /**
   * Partition {@code partition}'s batches of fit {@code fitId} for {@code table} from the
   * executor's cache, or, on a miss, from {@code rows}, checked ({@link ExampleChecks#read}) and
   * cached; with a null {@code fitId}, always from {@code rows} and not cached. {@code batchSize}
   * 0 means one batch of the whole partition. A fit trains one table, so its entries are split
   * for that table.
   */
  static PreparedBatches cached(String fitId, int partition, int batchSize, Iterator<SparseExample> rows,
      TableHandle table) {
    if (fitId == null) {
      return of(ExampleChecks.read(rows, partition), batchSize, table);
    }
    return BatchCache.get(key(fitId, partition, batchSize),
        () -> of(ExampleChecks.read(rows, partition), batchSize, table));
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

  /** Batch {@code b}'s keys split by the table's shards. */
  KeySlices slices(int b) {
    return slices[b];
  }

  /** The most keys of any batch: the rows a reused pull or gradient array must hold. */
  int maxKeys() {
    return maxKeys;
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
