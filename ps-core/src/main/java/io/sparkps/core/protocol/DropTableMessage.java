package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request, client to scheduler: drop a table by name. Answered by {@link OkMessage}.
 * Immutable.
 */
public record DropTableMessage(String name) implements Message {

  public DropTableMessage {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public MessageType type() {
    return MessageType.DROP_TABLE;
  }

  @Override
  public int encodedLength() {
    return Codec.stringLength(name);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeString(buf, name);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static DropTableMessage decode(ByteBuf body) {
    String name = Codec.readString(body, "DROP_TABLE name");
    return new DropTableMessage(name);
  }
}
