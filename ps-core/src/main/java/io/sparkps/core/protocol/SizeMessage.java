package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: the number of rows a shard holds. Answered by {@link CountMessage}.
 * Immutable.
 */
public record SizeMessage(int tableId, int shard) implements ShardRequest {

  @Override
  public MessageType type() {
    return MessageType.SIZE;
  }

  @Override
  public int encodedLength() {
    return 8;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static SizeMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    return new SizeMessage(tableId, shard);
  }
}
