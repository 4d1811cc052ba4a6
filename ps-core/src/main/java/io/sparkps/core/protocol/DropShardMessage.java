package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request, scheduler to server: drop every shard of table {@code tableId}.
 * Answered by {@link OkMessage}.
 * Immutable.
 */
public record DropShardMessage(int tableId) implements Message {

  @Override
  public MessageType type() {
    return MessageType.DROP_SHARD;
  }

  @Override
  public int encodedLength() {
    return 4;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static DropShardMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    return new DropShardMessage(tableId);
  }
}
