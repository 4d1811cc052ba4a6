package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: reset every row of a shard (dense: to the initializer; sparse: remove all).
 * Answered by {@link OkMessage}.
 * Immutable.
 */
public record ClearMessage(int tableId, int shard) implements WholeShardRequest {

  @Override
  public MessageType type() {
    return MessageType.CLEAR;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ClearMessage decode(ByteBuf body) {
    return WholeShardRequest.read(body, ClearMessage::new);
  }
}
