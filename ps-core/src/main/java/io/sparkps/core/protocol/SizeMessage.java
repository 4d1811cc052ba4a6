package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: the number of rows a shard holds. Answered by {@link CountMessage}.
 * Immutable.
 */
public record SizeMessage(int tableId, int shard) implements WholeShardRequest {

  @Override
  public MessageType type() {
    return MessageType.SIZE;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static SizeMessage decode(ByteBuf body) {
    return WholeShardRequest.read(body, SizeMessage::new);
  }
}
