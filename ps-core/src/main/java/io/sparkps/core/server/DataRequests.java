package io.sparkps.core.server;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.protocol.EncodedFrame;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.metrics.ServerMetrics;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.ShardRequest;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.update.UpdaterSpec;

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
   * Runs the request on its shard's lane, the reply sent from there: inline on the calling I/O
   * thread when it is small ({@link #runsInline}) and the lane idle, queued for the lane thread
   * otherwise. Throws (on the caller's thread) when the message is no data request, the shard is
   * not here or its lane is full (RESOURCE_EXHAUSTED; a refused tagged push also opens its
   * worker's gap, see {@link PushDedupe}), and RejectedExecutionException when the lanes are
   * shutting down.
   */
  void dispatch(Connection connection, long requestId, Message message) {
    if (!(message instanceof ShardRequest address)) {
      throw new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE,
          "a parameter server does not accept type=" + message.type());
    }
    HostedShard shard = shards.require(address);
    long arrived = ticker.read();
    try {
      shard.executor().executeRequest(() -> execute(connection, requestId, shard, message, arrived),
          runsInline(shard, message));
    } catch (PsRemoteException e) {  // the lane is full
      PushId refused = taggedPush(message);
      if (refused != null) {
        // On the lane, ahead of whatever this connection sends next, like the push would have been.
        shard.executor().execute(() -> shard.dedupe().refused(refused));
      }
      throw e;
    }
  }

  /** The id of a tagged push, else null: the requests exactly-once tracks. */
  private static PushId taggedPush(Message message) {
    return message instanceof PushMessage push && !push.pushId().isNone() ? push.pushId() : null;
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

  /**
   * Whether a request may run inline on the I/O thread (when its lane is idle): it touches at most
   * {@link RequestSizes#INLINE_MAX_WORK_BYTES} of rows of a HEAP shard and runs no user code. An
   * event loop serves many connections, so it must never wait: other storage may touch disk,
   * and a custom updater may take any time.
   */
  static boolean runsInline(HostedShard shard, Message request) {
    TableSpec spec = shard.spec();
    if (spec.storage() != TableSpec.Storage.HEAP) {
      return false;
    }
    if (request instanceof PushMessage push && push.mode() == PushMode.UPDATE
        && spec.updater().name().startsWith(UpdaterSpec.CLASS_PREFIX)) {
      return false;
    }
    return RequestSizes.workBytes(shard, request) <= RequestSizes.INLINE_MAX_WORK_BYTES;
  }

  private void execute(Connection connection, long requestId, HostedShard shard, Message request, long arrived) {
    Message response;
    try {
      // Checked on the lane, right before the shard is touched: a request queued before a pause
      // must not be applied after it either.
      if (lease.expired()) {
        PushId refused = taggedPush(request);
        if (refused != null) {
          shard.dedupe().refused(refused);
        }
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
    reply(connection, requestId, response);
  }

  /**
   * Sends a reply; an {@link EncodedFrame} that will not be written is released here. It always
   * fits a frame (the request was refused before otherwise), so Connection never swaps it for a
   * FRAME_TOO_LARGE error.
   */
  private static void reply(Connection connection, long requestId, Message response) {
    if (response instanceof EncodedFrame frame && (requestId == 0 || !connection.isActive())) {
      frame.releaseIfNotTaken();  // a one-way request gets no reply; a closed channel takes none
      return;
    }
    boolean sent = false;
    try {
      connection.reply(requestId, response);
      sent = true;
    } finally {
      if (!sent && response instanceof EncodedFrame frame) {
        frame.releaseIfNotTaken();
      }
    }
  }
}
