package io.sparkps.core.server;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.storage.ShardStore;

/**
 * One shard this server hosts: the table's spec, the shard's key range (dense tables), its store,
 * the single-threaded lane every operation on it runs on, its exactly-once push marks, and the heap
 * bytes it reserved in {@link ShardMemory}. The store is only touched from that lane, which is what
 * lets stores be lock-free.
 */
record HostedShard(int tableId, int shard, TableSpec spec, long start, long end, ShardStore store,
    ShardLane executor, PushDedupe dedupe, long heapBytes) {

  String describe() {
    return "table " + spec.name() + " (id " + tableId + ") shard " + shard
        + (spec.isDense() ? " rows [" + start + ", " + end + ")" : "");
  }
}
