package io.sparkps.core.metrics;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.storage.DenseShardStore;
import io.sparkps.core.storage.StoreArgs;
import io.sparkps.core.update.Updaters;

/**
 * The bytes a table's rows take in a store: per row its values and optimizer state (4 bytes a
 * float) and a version (8 bytes), as a dense HEAP shard allocates them. Sparse and off-heap stores
 * add their index on top, so for them this is the payload, a lower bound. Stateless.
 */
public final class TableFootprint {

  private TableFootprint() {}

  /** Bytes of {@code rows} rows of {@code spec}'s table (Long.MAX_VALUE if that overflows). */
  public static long bytes(TableSpec spec, long rows) {
    return DenseShardStore.heapBytes(rows, StoreArgs.rowWidth(spec.dim(), Updaters.create(spec.updater())));
  }
}
