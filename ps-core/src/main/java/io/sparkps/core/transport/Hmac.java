package io.sparkps.core.transport;

import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsRole;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * HMAC-SHA256 and the handshake's two MACs (docs/core.md, Security, has the exact inputs); public
 * for tests that speak the handshake over raw sockets.
 * Stateless and thread-safe.
 */
public final class Hmac {

  /** Size of each side's random nonce. */
  public static final int NONCE_BYTES = 32;
  static final String CONNECTOR_LABEL = "spark-ps v2 connector";
  static final String ACCEPTOR_LABEL = "spark-ps v2 acceptor";

  private Hmac() {}

  public static byte[] sign(byte[] secret, byte[] data) {
    return AuthKeys.hmacSha256(secret, data);
  }

  /** Constant-time comparison, so response timing does not leak how much of a MAC matched. */
  public static boolean verify(byte[] secret, byte[] data, byte[] mac) {
    return MessageDigest.isEqual(sign(secret, data), mac);
  }

  /**
   * What the connector signs: its label, both nonces, its role and the address it dialled, each
   * variable-length field preceded by its int32 big-endian length.
   */
  public static byte[] connectorTranscript(byte[] acceptorNonce, byte[] connectorNonce, PsRole connector,
      String target) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    field(out, CONNECTOR_LABEL.getBytes(StandardCharsets.UTF_8));
    field(out, acceptorNonce);
    field(out, connectorNonce);
    out.write(connector.wireId());
    field(out, target.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** What the acceptor signs: as the connector's, under its own label, with its role after the connector's. */
  public static byte[] acceptorTranscript(byte[] acceptorNonce, byte[] connectorNonce, PsRole connector,
      PsRole acceptor, String target) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    field(out, ACCEPTOR_LABEL.getBytes(StandardCharsets.UTF_8));
    field(out, acceptorNonce);
    field(out, connectorNonce);
    out.write(connector.wireId());
    out.write(acceptor.wireId());
    field(out, target.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, byte[] bytes) {
    int n = bytes.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.write(bytes, 0, n);
  }
}
