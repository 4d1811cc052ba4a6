package io.sparkps.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sparkps.core.protocol.AuthChallengeMessage;
import io.sparkps.core.protocol.AuthOkMessage;
import io.sparkps.core.protocol.AuthResponseMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting side of the handshake: answers the server's challenge with HMAC(secret, nonce)
 * (empty without a secret) and completes the connect future with the {@link Connection} once
 * the server says AuthOk; fails it with {@link PsAuthenticationException} when the server
 * refuses. Until then nothing reaches the {@link PsChannelHandler}. Per channel, not sharable;
 * runs on its event loop.
 */
final class ClientAuthHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ClientAuthHandler.class);

  private final byte[] secret;
  private final Connection connection;
  private final CompletableFuture<Connection> connectFuture;
  private final Executor callbackExecutor;
  private boolean authenticated;
  private boolean failed;

  /** @param secret null when this side has none */
  ClientAuthHandler(byte[] secret, Connection connection,
      CompletableFuture<Connection> connectFuture, Executor callbackExecutor) {
    this.secret = secret;
    this.connection = connection;
    this.connectFuture = connectFuture;
    this.callbackExecutor = callbackExecutor;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (authenticated) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed || !(msg instanceof Envelope envelope)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    Message message = envelope.message();
    String server = connection.remoteAddress();
    if (message instanceof AuthChallengeMessage challenge) {
      byte[] mac = secret == null ? new byte[0] : Hmac.sign(secret, challenge.nonce());
      if (challenge.authRequired() && secret == null) {
        LOG.warn("{} requires authentication but this side has no secret", server);
      }
      ctx.writeAndFlush(new Envelope(0, new AuthResponseMessage(mac)));
    } else if (message instanceof AuthOkMessage) {
      authenticated = true;
      LOG.debug("connected to {}", server);
      runOnCallbackExecutor(() -> {
        if (!connectFuture.complete(connection)) {
          connection.close(); // the connect already timed out: nobody will use this channel
        }
      });
    } else if (message instanceof ErrorMessage error && error.code() == ErrorCode.UNAUTHENTICATED) {
      fail(ctx, new PsAuthenticationException("server " + server + " rejected authentication: "
          + error.message(), error.toException()));
    } else if (message instanceof ErrorMessage error) {
      fail(ctx, new PsTransportException("server " + server + " refused the connection: "
          + error.code() + ": " + error.message(), error.toException()));
    } else {
      fail(ctx, new PsTransportException("protocol error: " + message.type() + " from " + server
          + " before the authentication handshake completed"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (authenticated) {
      ctx.fireExceptionCaught(cause);
    } else if (!failed) {
      fail(ctx, new PsTransportException("connection to " + connection.remoteAddress()
          + " failed during the authentication handshake: " + cause, cause));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!authenticated && !failed) {
      failed = true;
      PsTransportException e = new PsTransportException("connection to "
          + connection.remoteAddress() + " closed during the authentication handshake");
      runOnCallbackExecutor(() -> connectFuture.completeExceptionally(e));
    }
    super.channelInactive(ctx);
  }

  private void fail(ChannelHandlerContext ctx, PsTransportException e) {
    failed = true;
    runOnCallbackExecutor(() -> connectFuture.completeExceptionally(e));
    ctx.close();
  }

  private void runOnCallbackExecutor(Runnable r) {
    try {
      callbackExecutor.execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }
}
