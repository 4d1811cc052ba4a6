package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: reset every row of a shard (dense: to the initializer; sparse: remove all).
 * Answered by {@link OkMessage}.
 * Immutable.
 */
public record ClearMessage(int tableId, int shard) implements ShardRequest {

  @Override
  public MessageType type() {
    return MessageType.CLEAR;
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
  public static ClearMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    return new ClearMessage(tableId, shard);
  }
}
