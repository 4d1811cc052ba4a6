package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: which of {@code keys} exist in a shard. Answered by {@link FlagsMessage}.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public final class ContainsMessage extends KeyListRequest {

  public ContainsMessage(int tableId, int shard, long[] keys) {
    super(MessageType.CONTAINS, tableId, shard, keys);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ContainsMessage decode(ByteBuf body) {
    return read(body, MessageType.CONTAINS, ContainsMessage::new);
  }
}
