package io.sparkps.core.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.protocol.AuthChallengeMessage;
import io.sparkps.core.protocol.AuthOkMessage;
import io.sparkps.core.protocol.AuthResponseMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.FrameTooLargeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepting side of the handshake (docs/core.md, Security): sends a random challenge, checks the
 * connector's role, the address it dialled (one of this listener's own) and its MAC under the key
 * of that role's links, then answers AUTH_OK with its own MAC, records the proven role on the
 * {@link Connection} and only then lets messages through. A wrong MAC, role or address, any
 * other message first (stopped undecoded by the {@link FrameGuardHandler}), or no answer within
 * the connect timeout gets an UNAUTHENTICATED error frame and a close, counted and logged
 * rate-limited by {@link ConnectionLimits}. Without keys nothing is checked, but the exchange
 * still happens, so both sides run one protocol. Per channel, not sharable; runs on its event
 * loop.
 */
final class ServerAuthHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ServerAuthHandler.class);

  private enum State { AWAITING_RESPONSE, AUTHENTICATED, REJECTED }

  private final AuthKeys keys;
  private final PsRole localRole;
  private final SecureRandom random;
  private final Duration handshakeTimeout;
  private final Connection connection;
  /** host:port strings a connector may have dialled to reach this listener. */
  private final Set<String> ownAddresses;
  private final ConnectionLimits limits;
  private final ConnectionLimits.Admission admission;
  private final FrameGuardHandler guard;
  private final KeepAliveHandler keepAlive;
  private State state = State.AWAITING_RESPONSE;
  private byte[] nonce;
  private ScheduledFuture<?> timer;

  /** @param keys null when authentication is off */
  ServerAuthHandler(AuthKeys keys, PsRole localRole, SecureRandom random, Duration handshakeTimeout,
      Connection connection, Set<String> ownAddresses, ConnectionLimits limits,
      ConnectionLimits.Admission admission, FrameGuardHandler guard, KeepAliveHandler keepAlive) {
    this.keys = keys;
    this.localRole = localRole;
    this.random = random;
    this.handshakeTimeout = handshakeTimeout;
    this.connection = connection;
    this.ownAddresses = ownAddresses;
    this.limits = limits;
    this.admission = admission;
    this.guard = guard;
    this.keepAlive = keepAlive;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    nonce = new byte[Hmac.NONCE_BYTES];
    random.nextBytes(nonce);
    ctx.writeAndFlush(new Envelope(0, new AuthChallengeMessage(keys != null, nonce)));
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
      if (!(msg instanceof Envelope e && KeepAliveHandler.isPing(e))) {
        ctx.fireChannelRead(msg);
      }
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
    PsRole role = PsRole.fromWireId(response.role());
    String refusal = check(response, role);
    if (refusal != null) {
      reject(ctx, refusal);
      return;
    }
    byte[] mac = new byte[0];
    if (keys != null) {
      mac = Hmac.sign(keys.key(role), Hmac.acceptorTranscript(nonce, response.nonce(), role, localRole,
          response.target()));
    }
    state = State.AUTHENTICATED;
    nonce = null;
    cancelTimer();
    connection.authenticated(role);
    admission.authenticated();
    guard.authenticated();
    LOG.debug("authenticated {} as {} (auth required: {})", connection.remoteAddress(), role, keys != null);
    ctx.writeAndFlush(new Envelope(0, new AuthOkMessage(localRole.wireId(), mac)));
    keepAlive.start();
  }

  /** Why {@code response} is refused, or null when it is accepted. */
  private String check(AuthResponseMessage response, PsRole role) {
    if (role == null || role == PsRole.SCHEDULER) {
      return "unknown or non-dialling role: role=" + response.role();
    }
    if (keys == null) {
      return null;
    }
    if (response.mac().length == 0) {
      return "authentication required but the client sent no MAC: configure the shared secret"
          + " (spark.authenticate.secret / the spark.ps secret) on the client too";
    }
    if (!keys.holds(role)) {
      return "this " + localRole + " accepts no " + role + " connections";
    }
    if (response.nonce().length != Hmac.NONCE_BYTES) {
      return "client nonce of " + response.nonce().length + " bytes (expected " + Hmac.NONCE_BYTES + ")";
    }
    if (!ownAddresses.contains(response.target())) {
      return "the client dialled " + response.target() + ", which is not this listener (" + ownAddresses
          + "): a relay?";
    }
    if (!Hmac.verify(keys.key(role), Hmac.connectorTranscript(nonce, response.nonce(), role, response.target()),
        response.mac())) {
      return "authentication failed: the client's MAC does not match; set the same spark.ps"
          + " secret (spark.authenticate.secret) on both sides";
    }
    return null;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.AUTHENTICATED) {
      ctx.fireExceptionCaught(cause);
    } else if (state == State.REJECTED) {
      LOG.debug("ignoring error from rejected peer {}: {}", connection.remoteAddress(), cause.toString());
    } else {
      // Before authentication nothing gets a second chance, and nothing reaches the handler.
      ErrorCode code = cause instanceof FrameDecodeException bad ? bad.code()
          : cause instanceof FrameTooLargeException ? ErrorCode.FRAME_TOO_LARGE : ErrorCode.UNAUTHENTICATED;
      reject(ctx, code, cause.getMessage());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimer();
    super.channelInactive(ctx);
  }

  private void reject(ChannelHandlerContext ctx, String detail) {
    reject(ctx, ErrorCode.UNAUTHENTICATED, detail);
  }

  private void reject(ChannelHandlerContext ctx, ErrorCode code, String detail) {
    state = State.REJECTED;
    nonce = null;
    cancelTimer();
    guard.shut(ctx);
    limits.refused("rejecting connection from " + connection.remoteAddress() + ": " + detail);
    ctx.writeAndFlush(new Envelope(0, new ErrorMessage(code, detail)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
