package io.sparkps.core.server;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.ShardRequest;
import io.sparkps.core.transport.Connection;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Routes a data-plane request to the lane of the shard it addresses and runs it there, after
 * checking the server's lease; a request for a shard this server does not host fails with
 * WRONG_OWNER or UNKNOWN_TABLE. Thread-safe.
 */
final class DataRequests {

  /** The id the scheduler assigned; 0 until registration completes. */
  private final IntSupplier serverId;
  private final HostedShards shards;
  private final ShardOperations operations;
  private final ServerLease lease;
  private final Duration heartbeatTimeout;

  DataRequests(IntSupplier serverId, HostedShards shards, ShardOperations operations, ServerLease lease,
      Duration heartbeatTimeout) {
    this.serverId = serverId;
    this.shards = shards;
    this.operations = operations;
    this.lease = lease;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  /**
   * Queues the request on its shard's lane; the reply is sent from there. Throws (on the caller's
   * thread) when the message is no data request or the shard is not here, and
   * RejectedExecutionException when the lanes are shutting down.
   */
  void dispatch(Connection connection, long requestId, Message message) {
    if (!(message instanceof ShardRequest address)) {
      throw new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE,
          "a parameter server does not accept type=" + message.type());
    }
    HostedShard shard = shards.get(address.tableId(), address.shard());
    if (shard == null) {
      throw missingShard(address);
    }
    shard.executor().execute(() -> execute(connection, requestId, shard, message));
  }

  private void execute(Connection connection, long requestId, HostedShard shard, Message request) {
    Message response;
    try {
      // Checked on the lane, right before the shard is touched: a request queued before a pause
      // must not be applied after it either.
      if (lease.expired()) {
        throw new PsRemoteException(ErrorCode.SERVER_DEAD, "server " + serverId.getAsInt() + " has not heard from the "
            + "scheduler for " + lease.silentNanos() / 1_000_000 + " ms (heartbeat timeout "
            + heartbeatTimeout.toMillis() + " ms): it may have been declared dead and its shards moved; "
            + "refresh the routing table");
      }
      response = operations.execute(shard, request);
    } catch (RuntimeException e) {
      connection.replyFailure(requestId, e);
      return;
    }
    connection.reply(requestId, response);
  }

  private PsRemoteException missingShard(ShardRequest address) {
    if (shards.hostsTable(address.tableId())) {
      return new PsRemoteException(ErrorCode.WRONG_OWNER, "server " + serverId.getAsInt() + " does not host shard "
          + address.shard() + " of table id " + address.tableId() + "; refresh the routing table");
    }
    return new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "server " + serverId.getAsInt() + " hosts no table with id "
        + address.tableId() + "; it was never created or has been dropped");
  }
}
