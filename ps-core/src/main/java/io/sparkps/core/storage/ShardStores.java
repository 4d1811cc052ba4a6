package io.sparkps.core.storage;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.Updaters;

/**
 * Builds the {@link ShardStore} for one shard of a table from its {@link TableSpec}: the kind
 * (dense or sparse) and storage tier pick the class, the spec's updater and initializer are
 * built fresh for each store. Stateless and thread-safe.
 */
public final class ShardStores {

  private ShardStores() {}

  /**
   * The store for one shard. Dense tables hold rows {@code [start, end)}, which must lie in
   * {@code [0, spec.rows()]}; sparse tables ignore {@code start} and {@code end}.
   * Throws {@link IllegalArgumentException} if the updater cannot be built or the shard is too
   * large for its storage tier.
   */
  public static ShardStore create(TableSpec spec, long start, long end) {
    if (spec.isDense() && (start < 0 || end < start || end > spec.rows())) {
      throw new IllegalArgumentException("dense shard range invalid: table=" + spec.name()
          + ", start=" + start + ", end=" + end + " (0 <= start <= end <= " + spec.rows() + ")");
    }
    Initializer init = Initializer.of(spec.initializer());
    switch (spec.storage()) {
      case HEAP:
        return spec.isDense()
            ? new DenseShardStore(start, end, spec.dim(), Updaters.create(spec.updater()), init)
            : new SparseShardStore(spec.dim(), Updaters.create(spec.updater()), init);
      default:
        throw new IllegalArgumentException("storage tier not supported: storage=" + spec.storage()
            + " (HEAP)");
    }
  }
}
