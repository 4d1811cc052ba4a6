package io.sparkps.core.transport;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 for the challenge-response handshake. Stateless and thread-safe. */
final class Hmac {

  static final String ALGORITHM = "HmacSHA256";
  /** Size of the server's random challenge. */
  static final int NONCE_BYTES = 32;

  private Hmac() {}

  static byte[] sign(byte[] secret, byte[] nonce) {
    try {
      // A Mac instance is not thread-safe and the handshake is rare: one per call.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      return mac.doFinal(nonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
    }
  }

  /** Constant-time comparison, so response timing does not leak how much of a MAC matched. */
  static boolean verify(byte[] secret, byte[] nonce, byte[] mac) {
    return MessageDigest.isEqual(sign(secret, nonce), mac);
  }
}
