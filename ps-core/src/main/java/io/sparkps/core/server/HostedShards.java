package io.sparkps.core.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shards a server hosts, keyed by (table id, shard). Only the map is shared: each shard's
 * store is still touched from its own lane only. Thread-safe.
 */
final class HostedShards {

  private final ConcurrentHashMap<Long, HostedShard> shards = new ConcurrentHashMap<>();

  /** The shard, or null when this server does not host it. */
  HostedShard get(int tableId, int shard) {
    return shards.get(key(tableId, shard));
  }

  void add(HostedShard s) {
    shards.put(key(s.tableId(), s.shard()), s);
  }

  /** Whether this server hosts any shard of the table. */
  boolean hostsTable(int tableId) {
    return shards.values().stream().anyMatch(s -> s.tableId() == tableId);
  }

  /** Removes and returns every shard of the table. */
  List<HostedShard> removeTable(int tableId) {
    List<HostedShard> removed = new ArrayList<>();
    shards.values().removeIf(s -> {
      if (s.tableId() == tableId) {
        removed.add(s);
        return true;
      }
      return false;
    });
    return removed;
  }

  /** A live view of every hosted shard. */
  Collection<HostedShard> all() {
    return shards.values();
  }

  int size() {
    return shards.size();
  }

  void clear() {
    shards.clear();
  }

  private static long key(int tableId, int shard) {
    return ((long) tableId << 32) | (shard & 0xffffffffL);
  }
}
