package io.sparkps.core.server;

import io.sparkps.core.protocol.CasMessage;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ContainsMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.RemoveMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.SizeMessage;

/** The (table, shard) a data-plane request addresses. Immutable. */
record ShardAddress(int tableId, int shard) {

  /** The address of a data-plane request, or null when {@code m} is not one. */
  static ShardAddress of(Message m) {
    if (m instanceof PullMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof PushMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof PullRangeMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof ContainsMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof RemoveMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof CasMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof ClearMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof SizeMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    } else if (m instanceof ScanMessage x) {
      return new ShardAddress(x.tableId(), x.shard());
    }
    return null;
  }
}
