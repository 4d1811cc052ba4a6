package io.sparkps.core.partition;

import static io.sparkps.core.check.Checks.requireArgument;

/**
 * Splits keys {@code [0, numKeys)} into {@code numShards} contiguous ranges of near-equal size
 * (the first {@code numKeys % numShards} ranges hold one key more), ps-lite's range layout.
 * Immutable and thread-safe.
 */
public final class RangePartitioner implements Partitioner {

  private final long numKeys;
  private final int numShards;
  private final long base;
  private final long extra;

  public RangePartitioner(long numKeys, int numShards) {
    requireArgument(numKeys > 0, "range partitioner needs keys: numKeys=%s (> 0)", numKeys);
    requireArgument(numShards > 0, "range partitioner needs shards: numShards=%s (> 0)", numShards);
    this.numKeys = numKeys;
    this.numShards = numShards;
    this.base = numKeys / numShards;
    this.extra = numKeys % numShards;
  }

  @Override
  public int numShards() {
    return numShards;
  }

  public long numKeys() {
    return numKeys;
  }

  @Override
  public int shardOf(long key) {
    requireArgument(key >= 0 && key < numKeys, "key out of range: key=%s ([0, %s))", key, numKeys);
    long bigShardKeys = extra * (base + 1);
    if (key < bigShardKeys) {
      return (int) (key / (base + 1));
    }
    return (int) (extra + (key - bigShardKeys) / base);
  }

  /** First key of {@code shard}. */
  public long start(int shard) {
    checkShard(shard);
    return shard * base + Math.min(shard, extra);
  }

  /** One past the last key of {@code shard}. */
  public long end(int shard) {
    checkShard(shard);
    return start(shard) + base + (shard < extra ? 1 : 0);
  }

  private void checkShard(int shard) {
    requireArgument(shard >= 0 && shard < numShards, "shard out of range: shard=%s ([0, %s))", shard, numShards);
  }

  @Override
  public String toString() {
    return "RangePartitioner{numKeys=" + numKeys + ", numShards=" + numShards + "}";
  }
}
