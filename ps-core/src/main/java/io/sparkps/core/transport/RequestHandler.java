package io.sparkps.core.transport;

import io.sparkps.core.protocol.Message;

/**
 * Application logic behind a connection: the server's dispatcher, the scheduler, or a client
 * that accepts pushes from the scheduler. Both methods run on the connection's Netty event loop
 * and must not block; hand real work to another executor. Implementations must be thread-safe
 * when shared between connections.
 */
public interface RequestHandler {

  /**
   * Every request (requestId != 0) or one-way message (requestId == 0) that arrives after
   * authentication. Called on an event loop: must not block. Requests must be answered exactly
   * once via connection.reply/replyError, from any thread. A runtime exception thrown from here
   * is logged and answered as {@code ErrorMessage.from(exception)}.
   */
  void handle(Connection connection, long requestId, Message message);

  /**
   * An upper estimate of the bytes of the reply {@code request} will get, held from admission
   * until the reply is written (see {@code PsConfig.maxPendingBytes}); any value up to a small
   * error message's size, the default, means "small". Called on an event loop before
   * {@link #handle}: must be cheap and must not throw.
   */
  default long replyBytes(Message request) {
    return 0;
  }

  /** The connection closed; its outstanding requests have been failed. Called on an event loop. */
  default void connectionClosed(Connection connection) {}
}
