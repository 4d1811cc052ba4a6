package io.sparkps.core.transport;

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
import io.sparkps.core.protocol.Message;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting side of the handshake (docs/core.md, Security): answers the challenge with its
 * role, its own nonce, the address it reached and its MAC under the key of its role's links,
 * then completes the connect future with the {@link Connection} only once the acceptor's AUTH_OK
 * carries a valid MAC over both nonces, both roles and that address. A bare or wrong AUTH_OK, an
 * acceptor that does not authenticate while this side has a key, or an UNAUTHENTICATED error
 * fail the future with {@link PsAuthenticationException}. Until then nothing reaches the
 * {@link PsChannelHandler}. Per channel, not sharable; runs on its event loop.
 */
final class ClientAuthHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ClientAuthHandler.class);

  private final AuthKeys keys;
  private final PsRole localRole;
  private final SecureRandom random;
  private final Connection connection;
  private final CompletableFuture<Connection> connectFuture;
  private final Executor callbackExecutor;
  private final FrameGuardHandler guard;
  private final KeepAliveHandler keepAlive;
  private boolean authenticated;
  private boolean failed;
  /** Set once the response is sent: what the acceptor's MAC must cover. */
  private byte[] acceptorNonce;
  private byte[] nonce;
  private String target;

  /** @param keys null when this side has none */
  ClientAuthHandler(AuthKeys keys, PsRole localRole, SecureRandom random, Connection connection,
      CompletableFuture<Connection> connectFuture, Executor callbackExecutor, FrameGuardHandler guard,
      KeepAliveHandler keepAlive) {
    this.keys = keys;
    this.localRole = localRole;
    this.random = random;
    this.connection = connection;
    this.connectFuture = connectFuture;
    this.callbackExecutor = callbackExecutor;
    this.guard = guard;
    this.keepAlive = keepAlive;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (authenticated) {
      if (!(msg instanceof Envelope e && KeepAliveHandler.isPing(e))) {
        ctx.fireChannelRead(msg);
      }
      return;
    }
    if (failed || !(msg instanceof Envelope envelope)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    Message message = envelope.message();
    String server = connection.remoteAddress();
    if (message instanceof AuthChallengeMessage challenge && nonce == null) {
      answer(ctx, challenge);
    } else if (message instanceof AuthOkMessage ok && nonce != null) {
      accept(ctx, ok);
    } else if (message instanceof ErrorMessage error && error.code() == ErrorCode.UNAUTHENTICATED) {
      fail(ctx, new PsAuthenticationException("server " + server + " rejected authentication: "
          + error.message(), error.toException()));
    } else if (message instanceof ErrorMessage error) {
      fail(ctx, new PsTransportException("server " + server + " refused the connection: "
          + error.code() + ": " + error.message(), error.toException()));
    } else {
      fail(ctx, new PsAuthenticationException("protocol error: " + message.type() + " from " + server
          + " out of turn in the authentication handshake"));
    }
  }

  private void answer(ChannelHandlerContext ctx, AuthChallengeMessage challenge) {
    String server = connection.remoteAddress();
    if (keys != null && !challenge.authRequired()) {
      fail(ctx, new PsAuthenticationException("server " + server + " does not authenticate itself, but"
          + " this side has a secret: refusing to trust it (configure the same secret on both sides)"));
      return;
    }
    if (keys != null && !keys.holds(localRole)) {
      fail(ctx, new PsAuthenticationException("this side holds no key for the " + localRole
          + " role and cannot connect to " + server + " as one (held: " + keys + ")"));
      return;
    }
    if (challenge.authRequired() && keys == null) {
      LOG.warn("{} requires authentication but this side has no secret", server);
    }
    acceptorNonce = challenge.nonce();
    nonce = new byte[Hmac.NONCE_BYTES];
    random.nextBytes(nonce);
    target = dialled(ctx.channel().remoteAddress());
    byte[] mac = keys == null ? new byte[0]
        : Hmac.sign(keys.key(localRole), Hmac.connectorTranscript(acceptorNonce, nonce, localRole, target));
    ctx.writeAndFlush(new Envelope(0, new AuthResponseMessage(localRole.wireId(), nonce, target, mac)));
  }

  private void accept(ChannelHandlerContext ctx, AuthOkMessage ok) {
    String server = connection.remoteAddress();
    PsRole role = PsRole.fromWireId(ok.role());
    if (role == null) {
      fail(ctx, new PsAuthenticationException("server " + server + " claims an unknown role: role=" + ok.role()));
      return;
    }
    if (keys != null && !Hmac.verify(keys.key(localRole),
        Hmac.acceptorTranscript(acceptorNonce, nonce, localRole, role, target), ok.mac())) {
      fail(ctx, new PsAuthenticationException("server " + server + " did not prove it knows the secret"
          + (ok.mac().length == 0 ? " (its AUTH_OK carries no MAC)" : " (its MAC does not match)")
          + ": refusing the connection"));
      return;
    }
    authenticated = true;
    connection.authenticated(role);
    guard.authenticated();
    keepAlive.start();
    LOG.debug("connected to {} ({})", server, role);
    runOnCallbackExecutor(() -> {
      if (!connectFuture.complete(connection)) {
        connection.close(); // the connect already timed out: nobody will use this channel
      }
    });
  }

  /** The acceptor as this side reached it: {@code ip:port}. */
  static String dialled(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return String.valueOf(address);
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
    guard.shut(ctx);
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
