package io.sparkps.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the {@code SslHandler} and turns a failed TLS handshake into one clear
 * outcome: on the connecting side it fails the connect with a {@link PsAuthenticationException}
 * (the server's certificate is not the trusted one) or a {@link PsTransportException} (anything
 * else), saying what to set; on the accepting side it logs one warning line, without a stack
 * trace. Further errors of that channel are swallowed (it is closing). After a successful
 * handshake it leaves the pipeline. Per channel, not sharable; runs on its event loop.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);

  private final String remoteAddress;
  private final CompletableFuture<Connection> handshake;
  /** On an accepted channel: counts the refusal and logs it rate-limited (strangers must not fill the log). */
  private final ConnectionLimits refusals;
  private boolean failed;

  /**
   * @param handshake the connect's handshake future (failed on the event loop, so this
   *     explanation wins over the handlers behind); null on an accepted channel
   */
  TlsHandshakeHandler(String remoteAddress, CompletableFuture<Connection> handshake, ConnectionLimits refusals) {
    this.remoteAddress = remoteAddress;
    this.handshake = handshake;
    this.refusals = refusals;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        LOG.debug("TLS handshake with {} done", remoteAddress);
        ctx.pipeline().remove(this);
      } else {
        fail(ctx, done.cause());
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Still here, so the handshake has not succeeded: the error ends it.
    fail(ctx, cause);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (failed) {
      LOG.debug("after the failed TLS handshake with {}: {}", remoteAddress, cause.toString());
      return;
    }
    failed = true;
    ctx.close();
    boolean untrusted = causedBy(cause, CertificateException.class);
    if (handshake == null) {
      refusals.refused("TLS handshake with " + remoteAddress + " failed: " + serverHint(cause));
    } else if (untrusted) {
      handshake.completeExceptionally(new PsAuthenticationException("server " + remoteAddress
          + " presented a certificate this client does not trust (" + summary(cause) + "): clients"
          + " must pin the certificate the servers and the scheduler use (the application's own"
          + " certificate, or the certificates of spark.ssl.trustStore)", cause));
    } else {
      handshake.completeExceptionally(new PsTransportException("TLS handshake with server "
          + remoteAddress + " failed (" + summary(cause) + "): every side must use the same"
          + " spark.ps.encryption setting and key material", cause));
    }
  }

  private static String serverHint(Throwable cause) {
    if (causedBy(cause, NotSslRecordException.class)) {
      return "the peer does not speak TLS; turn encryption on for it (spark.ps.encryption)";
    }
    if (causedBy(cause, ClosedChannelException.class)) {
      return "the peer closed the connection before completing it (a client without TLS does so"
          + " after the TLS greeting; a client that does not trust this server's certificate, too)";
    }
    String summary = summary(cause);
    if (summary != null && (summary.contains("certificate_unknown") || summary.contains("bad_certificate"))) {
      return summary + " (the client does not trust this server's certificate: it pins another one)";
    }
    return summary;
  }

  /** The innermost TLS-level message: what went wrong, without the wrapping. */
  private static String summary(Throwable cause) {
    String message = String.valueOf(cause);
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException) {
        message = t.getMessage();
      }
    }
    return message;
  }

  private static boolean causedBy(Throwable cause, Class<? extends Throwable> type) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
