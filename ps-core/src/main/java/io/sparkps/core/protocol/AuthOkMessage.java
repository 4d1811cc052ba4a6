package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Handshake, accepting side to connecting side, request id 0: the connector is authenticated.
 * Carries the acceptor's role (a {@code PsRole} wire id) and the acceptor's own MAC over both
 * nonces, both roles and the dialled address, which the connector must verify before it uses the
 * connection (empty when the acceptor has no key). Ordinary messages may follow.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record AuthOkMessage(int role, byte[] mac) implements LaidOutMessage {

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

  static final BodyLayout<AuthOkMessage> LAYOUT = BodyLayout.of(MessageType.AUTH_OK,
      BodyLayout.int32("role", AuthOkMessage::role),
      BodyLayout.bytes("mac", AuthOkMessage::mac),
      AuthOkMessage::new);

  public AuthOkMessage {
    Objects.requireNonNull(mac, "mac");
  }

  @Override
  public BodyLayout<AuthOkMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AuthOkMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
