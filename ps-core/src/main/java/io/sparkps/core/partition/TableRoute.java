package io.sparkps.core.partition;

import io.sparkps.core.config.TableSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one table lives: its id, its spec, and which server owns each shard. Keys map to shards
 * by a partitioner fixed when the table is created ({@link #partitioner()}); shards map to
 * servers through {@code shardOwners}, which is what changes when a shard moves. Immutable.
 */
public final class TableRoute {

  private final int tableId;
  private final TableSpec spec;
  private final int[] shardOwners;
  private transient volatile Partitioner partitioner;

  public TableRoute(int tableId, TableSpec spec, int[] shardOwners) {
    this.tableId = tableId;
    this.spec = Objects.requireNonNull(spec, "spec");
    if (shardOwners.length == 0) {
      throw new IllegalArgumentException("a table needs at least one shard: table=" + spec.name());
    }
    this.shardOwners = shardOwners.clone();
  }

  public int tableId() {
    return tableId;
  }

  public TableSpec spec() {
    return spec;
  }

  public int numShards() {
    return shardOwners.length;
  }

  /** Server id owning {@code shard}. */
  public int ownerOf(int shard) {
    return shardOwners[shard];
  }

  public int[] shardOwners() {
    return shardOwners.clone();
  }

  /** The key-to-shard function: range for dense tables, hash ring for sparse ones. */
  public Partitioner partitioner() {
    Partitioner p = partitioner;
    if (p == null) {
      p = spec.isDense()
          ? new RangePartitioner(spec.rows(), shardOwners.length)
          : new HashRingPartitioner(shardOwners.length, HashRingPartitioner.DEFAULT_VIRTUAL_NODES);
      partitioner = p;
    }
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableRoute r && tableId == r.tableId && spec.equals(r.spec)
        && Arrays.equals(shardOwners, r.shardOwners);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * tableId + spec.hashCode()) + Arrays.hashCode(shardOwners);
  }

  @Override
  public String toString() {
    return "TableRoute{id=" + tableId + ", " + spec.name() + ", owners=" + Arrays.toString(shardOwners) + "}";
  }
}
