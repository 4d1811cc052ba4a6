package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Handshake, connecting side to accepting side, request id 0: the connector's role (a
 * {@code PsRole} wire id), its own random nonce, the address it dialled ({@code ip:port} of the
 * acceptor as the connector reached it) and its MAC over both nonces, the role and that address;
 * the MAC is empty when the connector has no key. docs/core.md (Security) has the exact inputs.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record AuthResponseMessage(int role, byte[] nonce, String target, byte[] mac)
    implements LaidOutMessage {

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
      BodyLayout.int32("role", AuthResponseMessage::role),
      BodyLayout.bytes("nonce", AuthResponseMessage::nonce),
      BodyLayout.string("target", AuthResponseMessage::target),
      BodyLayout.bytes("mac", AuthResponseMessage::mac),
      AuthResponseMessage::new);

  public AuthResponseMessage {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(target, "target");
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
