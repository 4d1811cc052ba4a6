package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Handshake, client to server, request id 0: HMAC-SHA256(secret, nonce), or empty when the
 * client has no secret.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record AuthResponseMessage(byte[] mac) implements LaidOutMessage {

  @Override
  public boolean equals(Object o) {
    return ArrayRecords.equals(this, o);
  }

  @Override
  public int hashCode() {
    return ArrayRecords.hashCode(this);
  }

  @Override
  public String toString() {
    return ArrayRecords.toString(this);
  }

  static final BodyLayout<AuthResponseMessage> LAYOUT = BodyLayout.of(MessageType.AUTH_RESPONSE,
      BodyLayout.bytes("mac", AuthResponseMessage::mac),
      AuthResponseMessage::new);

  public AuthResponseMessage {
    Objects.requireNonNull(mac, "mac");
  }

  @Override
  public BodyLayout<AuthResponseMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AuthResponseMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
