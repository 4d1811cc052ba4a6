package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Handshake, server to client, request id 0: the first frame on every connection. The client
 * answers with {@link AuthResponseMessage} carrying HMAC-SHA256(secret, nonce).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record AuthChallengeMessage(boolean authRequired, byte[] nonce) implements Message {

  public AuthChallengeMessage {
    Objects.requireNonNull(nonce, "nonce");
  }

  @Override
  public MessageType type() {
    return MessageType.AUTH_CHALLENGE;
  }

  @Override
  public int encodedLength() {
    return 1 + Codec.bytesLength(nonce);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeBoolean(buf, authRequired);
    Codec.writeBytes(buf, nonce);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AuthChallengeMessage decode(ByteBuf body) {
    boolean authRequired = Codec.readBoolean(body, "AUTH_CHALLENGE authRequired");
    byte[] nonce = Codec.readBytes(body, "AUTH_CHALLENGE nonce");
    return new AuthChallengeMessage(authRequired, nonce);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthChallengeMessage m
        && authRequired == m.authRequired
        && Arrays.equals(nonce, m.nonce);
  }

  @Override
  public int hashCode() {
    int h = 0;
    h = 31 * h + Boolean.hashCode(authRequired);
    h = 31 * h + Arrays.hashCode(nonce);
    return h;
  }

  @Override
  public String toString() {
    return "AuthChallengeMessage["
        + "authRequired=" + authRequired
        + ", nonce=" + Codec.describe(nonce)
        + "]";
  }
}
