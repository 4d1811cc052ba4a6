package io.sparkps.core.server;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.storage.ShardStore;
import java.util.concurrent.Executor;

/**
 * One shard this server hosts: the table's spec, the shard's key range (dense tables), its store,
 * the single-threaded executor every operation on it runs on, and its exactly-once push marks. The store is only touched from
 * that executor, which is what lets stores be lock-free.
 */
record HostedShard(int tableId, int shard, TableSpec spec, long start, long end, ShardStore store,
    Executor executor, PushDedupe dedupe) {

  String describe() {
    return "table " + spec.name() + " (id " + tableId + ") shard " + shard
        + (spec.isDense() ? " rows [" + start + ", " + end + ")" : "");
  }
}
