package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request, scheduler to server: drop every shard of table {@code tableId}.
 * Answered by {@link OkMessage}.
 * Immutable.
 */
public record DropShardMessage(int tableId) implements LaidOutMessage {

  static final BodyLayout<DropShardMessage> LAYOUT = BodyLayout.of(MessageType.DROP_SHARD,
      BodyLayout.int32("tableId", DropShardMessage::tableId),
      DropShardMessage::new);

  @Override
  public BodyLayout<DropShardMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static DropShardMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
