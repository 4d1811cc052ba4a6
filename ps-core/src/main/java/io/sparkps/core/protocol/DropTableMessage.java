package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request, client to scheduler: drop a table by name. Answered by {@link OkMessage}.
 * Immutable.
 */
public record DropTableMessage(String name) implements LaidOutMessage {

  static final BodyLayout<DropTableMessage> LAYOUT = BodyLayout.of(MessageType.DROP_TABLE,
      BodyLayout.string("name", DropTableMessage::name),
      DropTableMessage::new);

  public DropTableMessage {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public BodyLayout<DropTableMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static DropTableMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
