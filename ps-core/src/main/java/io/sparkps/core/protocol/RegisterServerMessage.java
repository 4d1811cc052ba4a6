package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request, server to scheduler: a parameter server listening at host:port joins.
 * Answered by {@link RegisteredMessage}.
 * Immutable.
 */
public record RegisterServerMessage(String host, int port) implements LaidOutMessage {

  static final BodyLayout<RegisterServerMessage> LAYOUT = BodyLayout.of(MessageType.REGISTER_SERVER,
      BodyLayout.string("host", RegisterServerMessage::host),
      BodyLayout.int32("port", RegisterServerMessage::port),
      RegisterServerMessage::new);

  public RegisterServerMessage {
    Objects.requireNonNull(host, "host");
  }

  @Override
  public BodyLayout<RegisterServerMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RegisterServerMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
