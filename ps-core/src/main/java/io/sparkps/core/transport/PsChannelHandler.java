package io.sparkps.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.FrameTooLargeException;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageType;
import io.sparkps.core.protocol.PsRemoteException;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: routes authenticated envelopes (responses to the
 * outstanding-request map, requests and one-way messages to the {@link RequestHandler}) and
 * turns protocol errors into error frames. Per channel, not sharable; runs on its event loop.
 */
final class PsChannelHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(PsChannelHandler.class);
  /** At most one line per interval about frames peers got wrong (see {@link RateLimitedLog}). */
  static final Duration PEER_ERROR_LOG_INTERVAL = Duration.ofSeconds(10);

  private final Connection connection;
  private final RequestHandler handler;
  private final RateLimitedLog peerErrors;
  /** Set once a fatal error has been reported: nothing more from this peer is processed. */
  private boolean closing;

  /** @param handler may be null: incoming requests are then answered UNEXPECTED_MESSAGE */
  PsChannelHandler(Connection connection, RequestHandler handler) {
    this(connection, handler, new RateLimitedLog(LOG, Ticker.systemTicker(), PEER_ERROR_LOG_INTERVAL));
  }

  /**
   * @param peerErrors where frames a peer got wrong are reported (an unknown request id, a
   *     malformed body, a handshake message after authentication): shared by the component's
   *     connections, so a peer repeating them does not control the log volume
   */
  PsChannelHandler(Connection connection, RequestHandler handler, RateLimitedLog peerErrors) {
    this.connection = connection;
    this.handler = handler;
    this.peerErrors = peerErrors;
  }

  Connection connection() {
    return connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Envelope envelope)) {
      LOG.warn("dropping unexpected object {} from {}", msg.getClass().getName(),
          connection.remoteAddress());
      ReferenceCountUtil.release(msg);
      return;
    }
    if (closing) {
      return;
    }
    long requestId = envelope.requestId();
    Message message = envelope.message();
    MessageType type = message.type();
    if (type.isHandshake()) {
      peerErrors.warn("unexpected " + type + " from " + connection.remoteAddress() + " after authentication");
      connection.replyError(requestId, ErrorCode.UNEXPECTED_MESSAGE,
          "handshake message after authentication: type=" + type);
    } else if (requestId == 0 && message instanceof ErrorMessage error) {
      connectionError(error);
    } else if (type.isResponse() && requestId != 0) {
      if (!connection.outstanding().complete(requestId, message)) {
        peerErrors.warn("dropping " + type + " from " + connection.remoteAddress() + " for unknown requestId="
            + requestId + " (timed out or duplicate)");
      }
    } else {
      dispatch(requestId, message);
    }
  }

  /** A request, or a one-way message (which may have a response type, e.g. a routing push). */
  private void dispatch(long requestId, Message message) {
    if (handler == null) {
      LOG.debug("no request handler for {} from {}", message.type(), connection.remoteAddress());
      connection.replyError(requestId, ErrorCode.UNEXPECTED_MESSAGE,
          "this peer accepts no requests: type=" + message.type());
      return;
    }
    try {
      handler.handle(connection, requestId, message);
    } catch (RuntimeException e) {
      ErrorMessage error = ErrorMessage.from(e);
      if (error.code() == ErrorCode.INTERNAL) {
        LOG.warn("request handler failed on {} (requestId={}) from {}", message.type(), requestId,
            connection.remoteAddress(), e);
      } else {
        LOG.debug("request handler refused {} (requestId={}) from {}: {}", message.type(),
            requestId, connection.remoteAddress(), e.toString());
      }
      connection.reply(requestId, error);
    }
  }

  /** The peer reported a connection-level error and is about to close. */
  private void connectionError(ErrorMessage error) {
    LOG.warn("{} reported a connection error: {}: {}", connection.remoteAddress(), error.code(),
        error.message());
    connection.outstanding().failAll(p -> new PsRemoteException(error.code(), error.message()));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    connection.channelClosed();
    if (handler != null) {
      try {
        handler.connectionClosed(connection);
      } catch (RuntimeException e) {
        LOG.warn("connectionClosed handler failed for {}", connection.remoteAddress(), e);
      }
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
      LOG.debug("ignoring error on closing connection to {}: {}", connection.remoteAddress(),
          cause.toString());
      return;
    }
    if (cause instanceof FrameTooLargeException tooLarge) {
      fatal(ErrorCode.FRAME_TOO_LARGE, tooLarge.getMessage());
    } else if (cause instanceof FrameDecodeException bad) {
      if (bad.fatal()) {
        fatal(bad.code(), bad.getMessage());
      } else {
        malformedBody(bad);
      }
    } else if (cause instanceof DecoderException) {
      fatal(ErrorCode.MALFORMED_FRAME, "undecodable stream: " + cause.getMessage());
    } else {
      if (cause instanceof IOException) {
        // Resets and broken pipes are how peers usually leave: no stack trace.
        LOG.debug("connection to {} failed: {}", connection.remoteAddress(), cause.toString());
      } else {
        LOG.warn("unexpected error on connection to {}; closing it", connection.remoteAddress(),
            cause);
      }
      failAllAndClose(ctx, cause);
    }
  }

  /** Framing is intact: answer the bad request (or fail the bad response) and carry on. */
  private void malformedBody(FrameDecodeException bad) {
    long requestId = bad.requestId();
    peerErrors.warn("malformed " + bad.type() + " (requestId=" + requestId + ") from " + connection.remoteAddress()
        + ": " + bad.getMessage());
    if (requestId == 0) {
      return; // a one-way message: there is nobody to answer, and id 0 would read as fatal
    }
    if (bad.type() != null && bad.type().isResponse()) {
      connection.outstanding().fail(requestId, new PsRemoteException(ErrorCode.MALFORMED_FRAME,
          "undecodable response from " + connection.remoteAddress() + ": " + bad.getMessage(),
          bad));
    } else {
      connection.replyError(requestId, ErrorCode.MALFORMED_FRAME, bad.getMessage());
    }
  }

  /** The stream cannot be trusted: tell the peer why (request id 0), then close. */
  private void fatal(ErrorCode code, String detail) {
    closing = true;
    connection.stopDirectReplies();
    LOG.warn("closing connection to {}: {}: {}", connection.remoteAddress(), code, detail);
    connection.closeWithError(code, detail);
  }

  private void failAllAndClose(ChannelHandlerContext ctx, Throwable cause) {
    closing = true;
    connection.stopDirectReplies();
    int n = connection.outstandingRequests();
    connection.outstanding().failAll(p -> new PsTransportException("connection to "
        + connection.remoteAddress() + " failed with " + n + " outstanding requests (this one: "
        + p.type + ", requestId=" + p.requestId + "): " + cause, cause));
    ctx.close();
  }
}
