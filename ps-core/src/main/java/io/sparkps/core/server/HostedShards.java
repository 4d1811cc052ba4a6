package io.sparkps.core.server;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.ShardRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The shards server {@link #serverId()} hosts, keyed by (table id, shard). Only the map is
 * shared: each shard's store is still touched from its own lane only. Thread-safe.
 */
final class HostedShards {

  private final ConcurrentHashMap<Long, HostedShard> shards = new ConcurrentHashMap<>();
  /** The id the scheduler assigned; 0 until registration completes. */
  private final IntSupplier serverId;

  HostedShards(IntSupplier serverId) {
    this.serverId = serverId;
  }

  /** The hosting server's id, for messages; 0 until it registered. */
  int serverId() {
    return serverId.getAsInt();
  }

  /** The shard, or null when this server does not host it. */
  HostedShard get(int tableId, int shard) {
    return shards.get(key(tableId, shard));
  }

  /**
   * The shard a request is addressed to.
   *
   * @throws PsRemoteException WRONG_OWNER when this server hosts other shards of the table,
   *     UNKNOWN_TABLE when it hosts none
   */
  HostedShard require(ShardRequest address) {
    HostedShard shard = get(address.tableId(), address.shard());
    if (shard != null) {
      return shard;
    }
    if (hostsTable(address.tableId())) {
      throw new PsRemoteException(ErrorCode.WRONG_OWNER, "server " + serverId() + " does not host shard "
          + address.shard() + " of table id " + address.tableId() + "; refresh the routing table");
    }
    throw new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "server " + serverId() + " hosts no table with id "
        + address.tableId() + "; it was never created or has been dropped");
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
