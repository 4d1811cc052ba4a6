package io.sparkps.core.server;

import io.sparkps.core.config.Ticker;
import io.sparkps.core.metrics.ServerMetrics;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.ShardRequest;
import io.sparkps.core.transport.Connection;

/**
 * Routes a data-plane request to the lane of the shard it addresses and runs it there, after
 * checking the server's lease; a request for a shard this server does not host fails with
 * WRONG_OWNER or UNKNOWN_TABLE. Thread-safe.
 */
final class DataRequests {

  private final HostedShards shards;
  private final ShardOperations operations;
  private final ServerLease lease;
  private final ServerMetrics metrics;
  private final Ticker ticker;

  DataRequests(HostedShards shards, ShardOperations operations, ServerLease lease, ServerMetrics metrics,
      Ticker ticker) {
    this.shards = shards;
    this.operations = operations;
    this.lease = lease;
    this.metrics = metrics;
    this.ticker = ticker;
  }

  /**
   * Queues the request on its shard's lane; the reply is sent from there. Throws (on the caller's
   * thread) when the message is no data request, the shard is not here or its lane is full
   * (RESOURCE_EXHAUSTED), and RejectedExecutionException when the lanes are shutting down.
   */
  void dispatch(Connection connection, long requestId, Message message) {
    if (!(message instanceof ShardRequest address)) {
      throw new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE,
          "a parameter server does not accept type=" + message.type());
    }
    HostedShard shard = shards.require(address);
    long arrived = ticker.read();
    shard.executor().executeRequest(() -> execute(connection, requestId, shard, message, arrived));
  }

  /**
   * The bytes {@code message}'s reply can take (see {@link RequestSizes#replyBytes}), 0 when it
   * is not a data request for a shard hosted here (its reply is then a short error). Never throws.
   */
  long replyBytes(Message message) {
    if (message instanceof ShardRequest address) {
      HostedShard shard = shards.get(address.tableId(), address.shard());
      if (shard != null) {
        return RequestSizes.replyBytes(shard, message);
      }
    }
    return 0;
  }

  private void execute(Connection connection, long requestId, HostedShard shard, Message request, long arrived) {
    Message response;
    try {
      // Checked on the lane, right before the shard is touched: a request queued before a pause
      // must not be applied after it either.
      if (lease.expired()) {
        throw new PsRemoteException(ErrorCode.SERVER_DEAD, "server " + shards.serverId() + " has not heard from "
            + "the scheduler for " + lease.silentNanos() / 1_000_000 + " ms (heartbeat timeout "
            + lease.term().toMillis() + " ms): it may have been declared dead and its shards moved; "
            + "refresh the routing table");
      }
      response = operations.execute(shard, request);
    } catch (RuntimeException | OutOfMemoryError e) {  // an allocation no check foresaw still gets an answer
      metrics.error(ErrorMapping.codeOf(e));
      connection.replyFailure(requestId, e);
      return;
    }
    metrics.request(request, shard.spec().dim(), ticker.read() - arrived);
    connection.reply(requestId, response);
  }
}
