package io.sparkps.core.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.sparkps.core.config.TlsConfig;
import io.sparkps.core.config.TlsIdentity;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS contexts of one {@link PsTransportContext}, built once from its {@link TlsConfig}: a
 * client context that trusts exactly the configured certificates and, when the config has an
 * identity, a server context presenting it. Both use the JDK provider, TLS 1.3 or 1.2 and
 * AEAD cipher suites with forward secrecy only. Hands out one {@link SslHandler} per channel.
 * Immutable and thread-safe.
 */
final class TlsChannels {

  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final SslContext client;
  private final SslContext server;
  private final long handshakeTimeoutMillis;

  /**
   * @throws IllegalArgumentException the key material or trusted certificates are unusable
   */
  TlsChannels(TlsConfig tls, Duration handshakeTimeout) {
    this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
    try {
      // Clients verify the server's chain against the trusted certificates alone (the pinned
      // per-application certificate, or the user's trust store), never the JDK's default CAs. No
      // hostname verification: servers are reached at addresses the scheduler hands out, and
      // trust comes from the pinned certificate, which no other party holds the key of.
      this.client = SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .trustManager(trustOnly(tls.trustedCertificates()))
          .endpointIdentificationAlgorithm(null)
          .protocols(PROTOCOLS)
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .build();
      TlsIdentity identity = tls.identity();
      this.server = identity == null ? null
          : SslContextBuilder.forServer(identity.privateKey(), identity.chain())
              .sslProvider(SslProvider.JDK)
              .clientAuth(ClientAuth.NONE)  // clients prove themselves with the HMAC handshake
              .protocols(PROTOCOLS)
              .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
              .build();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("TLS settings rejected: " + tls + ": " + e.getMessage(), e);
    }
  }

  /** Whether this side can accept TLS connections (it has an identity). */
  boolean canServe() {
    return server != null;
  }

  SslHandler newClientHandler(ByteBufAllocator alloc) {
    return withTimeout(client.newHandler(alloc));
  }

  SslHandler newServerHandler(ByteBufAllocator alloc) {
    if (server == null) {
      throw new IllegalStateException("TLS is on but this side has no key and certificate to"
          + " serve with: give the servers' and the scheduler's TlsConfig an identity");
    }
    return withTimeout(server.newHandler(alloc));
  }

  private SslHandler withTimeout(SslHandler handler) {
    handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    return handler;
  }

  /** A trust manager factory over a key store holding only {@code certificates}. */
  private static TrustManagerFactory trustOnly(List<X509Certificate> certificates)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < certificates.size(); i++) {
      store.setCertificateEntry("trusted-" + i, certificates.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }
}
