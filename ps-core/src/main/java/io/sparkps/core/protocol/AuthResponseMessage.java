package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Handshake, client to server, request id 0: HMAC-SHA256(secret, nonce), or empty when the
 * client has no secret.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record AuthResponseMessage(byte[] mac) implements Message {

  public AuthResponseMessage {
    Objects.requireNonNull(mac, "mac");
  }

  @Override
  public MessageType type() {
    return MessageType.AUTH_RESPONSE;
  }

  @Override
  public int encodedLength() {
    return Codec.bytesLength(mac);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeBytes(buf, mac);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AuthResponseMessage decode(ByteBuf body) {
    byte[] mac = Codec.readBytes(body, "AUTH_RESPONSE mac");
    return new AuthResponseMessage(mac);
  }

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
}
