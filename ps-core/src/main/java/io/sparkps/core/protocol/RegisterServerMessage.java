package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request, server to scheduler: a parameter server listening at host:port joins.
 * Answered by {@link RegisteredMessage}.
 * Immutable.
 */
public record RegisterServerMessage(String host, int port) implements Message {

  public RegisterServerMessage {
    Objects.requireNonNull(host, "host");
  }

  @Override
  public MessageType type() {
    return MessageType.REGISTER_SERVER;
  }

  @Override
  public int encodedLength() {
    return 4 + Codec.stringLength(host);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeString(buf, host);
    buf.writeIntLE(port);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RegisterServerMessage decode(ByteBuf body) {
    String host = Codec.readString(body, "REGISTER_SERVER host");
    int port = body.readIntLE();
    return new RegisterServerMessage(host, port);
  }
}
