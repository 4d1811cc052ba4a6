package io.sparkps.core.storage.tiers;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.storage.DenseShardStore;
import io.sparkps.core.storage.FeatureEvents;
import io.sparkps.core.storage.Initializer;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.SparseShardStore;
import io.sparkps.core.storage.StorageOptions;
import io.sparkps.core.storage.StoreArgs;
import io.sparkps.core.storage.chronicle.ChronicleShardStore;
import io.sparkps.core.update.Updater;
import io.sparkps.core.update.Updaters;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Builds the {@link ShardStore} for one shard of a table from its {@link TableSpec}: the kind
 * (dense or sparse) and storage tier pick the class, the spec's updater and initializer are
 * built fresh for each store. Stateless and thread-safe.
 *
 * <table>
 *   <caption>Store by kind and tier</caption>
 *   <tr><th>tier</th><th>dense</th><th>sparse</th></tr>
 *   <tr><td>HEAP</td><td>{@link DenseShardStore}</td><td>{@link SparseShardStore}</td></tr>
 *   <tr><td>OFFHEAP</td><td colspan="2">{@link ChronicleShardStore}, native memory</td></tr>
 *   <tr><td>PERSISTED</td><td colspan="2">{@link ChronicleShardStore}, file
 *       {@link StorageOptions#shardFile()}</td></tr>
 * </table>
 */
public final class ShardStores {

  private ShardStores() {}

  /**
   * The store for one shard with {@link StorageOptions#defaults()}: HEAP and OFFHEAP tables work,
   * PERSISTED tables are refused (no directory).
   */
  public static ShardStore create(TableSpec spec, long start, long end) {
    return create(spec, start, end, StorageOptions.defaults());
  }

  /**
   * Heap bytes {@link #create} would allocate up front for this shard: a HEAP dense shard's rows
   * (weights, optimizer state, versions; Long.MAX_VALUE if that overflows a long). Sparse shards
   * grow with their rows, and OFFHEAP / PERSISTED shards keep rows outside the heap (sized by
   * Chronicle for their range): 0 for those, except a HEAP sparse shard's admission sketch, which
   * has a fixed size. Throws as {@link #create} does for an invalid spec.
   */
  public static long heapBytes(TableSpec spec, long start, long end) {
    if (!spec.isDense() && spec.storage() == TableSpec.Storage.HEAP) {
      return SparseShardStore.fixedBytes(spec.lifecycle());
    }
    if (!spec.isDense() || spec.storage() != TableSpec.Storage.HEAP || end <= start) {
      return 0;
    }
    return DenseShardStore.heapBytes(end - start, StoreArgs.rowWidth(spec.dim(), Updaters.create(spec.updater())));
  }

  /**
   * The store for one shard. Dense tables hold rows {@code [start, end)}, which must lie in
   * {@code [0, spec.rows()]}; sparse tables ignore {@code start} and {@code end}. {@code options}
   * says where a PERSISTED shard's file lives and how large a sparse off-heap shard starts; HEAP
   * tables ignore it. A PERSISTED shard whose file exists is reopened with its rows.
   * Throws {@link IllegalArgumentException} if the updater cannot be built, the shard is too
   * large for its storage tier, a PERSISTED table has no directory, or an existing file holds a
   * different table; {@link IllegalStateException} if that file is already open.
   */
  public static ShardStore create(TableSpec spec, long start, long end, StorageOptions options) {
    return create(spec, start, end, options, Ticker.systemTicker(), FeatureEvents.NONE);
  }

  /**
   * {@link #create(TableSpec, long, long, StorageOptions)} for a server: a sparse HEAP table's
   * time-based expiry reads {@code ticker}, and its evictions and admissions go to {@code events}.
   */
  public static ShardStore create(TableSpec spec, long start, long end, StorageOptions options, Ticker ticker,
      FeatureEvents events) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(events, "events");
    if (spec.isDense() && (start < 0 || end < start || end > spec.rows())) {
      throw new IllegalArgumentException("dense shard range invalid: table=" + spec.name()
          + ", start=" + start + ", end=" + end + " (0 <= start <= end <= " + spec.rows() + ")");
    }
    Path file = spec.storage() == TableSpec.Storage.PERSISTED ? options.shardFile() : null;
    Initializer init = Initializer.of(spec.initializer());
    Updater updater = Updaters.create(spec.updater());
    switch (spec.storage()) {
      case HEAP:
        return spec.isDense()
            ? new DenseShardStore(start, end, spec.dim(), updater, init)
            : new SparseShardStore(spec.dim(), updater, init, 0, spec.lifecycle(), ticker, events);
      case OFFHEAP:
      case PERSISTED:
        // TableSpec refuses lifecycle options on these tiers; this guards specs that bypassed it.
        if (spec.lifecycle().isSet()) {
          throw new IllegalArgumentException("expiry and admission need HEAP storage: table=" + spec.name()
              + ", storage=" + spec.storage());
        }
        return new ChronicleShardStore(spec.name(), spec.isDense(), start, end, spec.dim(), updater,
            init, options.expectedEntries(), file);
      default:
        throw new IllegalArgumentException("storage tier not supported: storage=" + spec.storage()
            + " (HEAP, OFFHEAP, PERSISTED)");
    }
  }
}
