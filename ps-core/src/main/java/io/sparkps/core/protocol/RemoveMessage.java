package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: delete the rows of {@code keys} from a sparse shard. Answered by {@link CountMessage}
 * (rows removed).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public final class RemoveMessage extends KeyListRequest {

  public RemoveMessage(int tableId, int shard, long[] keys) {
    super(MessageType.REMOVE, tableId, shard, keys);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RemoveMessage decode(ByteBuf body) {
    return read(body, MessageType.REMOVE, RemoveMessage::new);
  }
}
