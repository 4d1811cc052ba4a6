package io.sparkps.core.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sparkps.core.protocol.AuthChallengeMessage;
import io.sparkps.core.protocol.AuthOkMessage;
import io.sparkps.core.protocol.AuthResponseMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.FrameDecodeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepting side of the handshake: sends a random challenge, checks the HMAC answer, and only
 * then lets messages through to the {@link PsChannelHandler}. A wrong or missing MAC, any other
 * message first, or no answer within the connect timeout gets an UNAUTHENTICATED error frame and
 * a close; nothing from that peer reaches the request handler. When the server has no secret
 * the answer is not checked, but the exchange still happens, so both sides run one protocol.
 * Per channel, not sharable; runs on its event loop.
 */
final class ServerAuthHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ServerAuthHandler.class);

  private enum State { AWAITING_RESPONSE, AUTHENTICATED, REJECTED }

  private final byte[] secret;
  private final SecureRandom random;
  private final Duration handshakeTimeout;
  private final String remoteAddress;
  private State state = State.AWAITING_RESPONSE;
  private byte[] nonce;
  private ScheduledFuture<?> timer;

  /** @param secret null when authentication is off */
  ServerAuthHandler(byte[] secret, SecureRandom random, Duration handshakeTimeout,
      String remoteAddress) {
    this.secret = secret;
    this.random = random;
    this.handshakeTimeout = handshakeTimeout;
    this.remoteAddress = remoteAddress;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    nonce = new byte[Hmac.NONCE_BYTES];
    random.nextBytes(nonce);
    ctx.writeAndFlush(new Envelope(0, new AuthChallengeMessage(secret != null, nonce)));
    // A peer that never answers must not hold a connection forever.
    timer = ctx.executor().schedule(() -> {
      if (state == State.AWAITING_RESPONSE) {
        reject(ctx, "authentication handshake not completed within " + handshakeTimeout
            + " (connectTimeout)");
      }
    }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.AUTHENTICATED) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (state == State.REJECTED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof Envelope envelope)
        || !(envelope.message() instanceof AuthResponseMessage response)) {
      String what = msg instanceof Envelope e ? e.message().type().toString()
          : msg.getClass().getName();
      ReferenceCountUtil.release(msg);
      reject(ctx, "message before authentication: type=" + what
          + "; the client must complete the handshake first");
      return;
    }
    if (secret != null && !Hmac.verify(secret, nonce, response.mac())) {
      reject(ctx, response.mac().length == 0
          ? "authentication required but the client sent no MAC: configure the shared secret"
              + " (spark.authenticate.secret / the spark.ps secret) on the client too"
          : "authentication failed: the client's MAC does not match; set the same spark.ps"
              + " secret (spark.authenticate.secret) on both sides");
      return;
    }
    state = State.AUTHENTICATED;
    nonce = null;
    cancelTimer();
    LOG.debug("authenticated {} (auth required: {})", remoteAddress, secret != null);
    ctx.writeAndFlush(new Envelope(0, AuthOkMessage.INSTANCE));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.AUTHENTICATED) {
      ctx.fireExceptionCaught(cause);
    } else if (state == State.REJECTED) {
      LOG.debug("ignoring error from rejected peer {}: {}", remoteAddress, cause.toString());
    } else if (cause instanceof FrameDecodeException bad) {
      // Before authentication a bad frame gets no second chance.
      ctx.fireExceptionCaught(bad.asFatal());
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimer();
    super.channelInactive(ctx);
  }

  private void reject(ChannelHandlerContext ctx, String detail) {
    state = State.REJECTED;
    nonce = null;
    cancelTimer();
    LOG.warn("rejecting connection from {}: {}", remoteAddress, detail);
    ctx.writeAndFlush(new Envelope(0, new ErrorMessage(ErrorCode.UNAUTHENTICATED, detail)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
