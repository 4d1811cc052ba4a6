package io.sparkps.core.testing;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TlsConfig;
import io.sparkps.core.config.TlsIdentity;
import io.sparkps.core.security.SelfSignedCertificates;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;

/** Key material and TLS configs for tests. */
public final class TlsTesting {

  private TlsTesting() {}

  /** A fresh self-signed identity, valid from an hour ago for a day. */
  public static TlsIdentity identity(String name) throws GeneralSecurityException {
    return SelfSignedCertificates.create(name, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
  }

  /** What servers and the scheduler use: the identity, trusting its own certificate. */
  public static TlsConfig serverTls(TlsIdentity identity) {
    return TlsConfig.builder().identity(identity).trust(identity.certificate()).build();
  }

  /** What clients use: the pinned certificate only. */
  public static TlsConfig clientTls(TlsIdentity pinned) {
    return TlsConfig.builder().trust(pinned.certificate()).build();
  }

  /** Whether {@code needle} occurs in {@code haystack}. */
  public static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  public static PsConfig config(TlsConfig tls) {
    return TransportTesting.configBuilder().tls(tls).build();
  }
}
