package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Handshake, server to client, request id 0: the first frame on every connection. The client
 * answers with {@link AuthResponseMessage} carrying HMAC-SHA256(secret, nonce).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record AuthChallengeMessage(boolean authRequired, byte[] nonce) implements LaidOutMessage {

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

  static final BodyLayout<AuthChallengeMessage> LAYOUT = BodyLayout.of(MessageType.AUTH_CHALLENGE,
      BodyLayout.bool("authRequired", AuthChallengeMessage::authRequired),
      BodyLayout.bytes("nonce", AuthChallengeMessage::nonce),
      AuthChallengeMessage::new);

  public AuthChallengeMessage {
    Objects.requireNonNull(nonce, "nonce");
  }

  @Override
  public BodyLayout<AuthChallengeMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AuthChallengeMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
