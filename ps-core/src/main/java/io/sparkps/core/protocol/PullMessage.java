package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: the rows of {@code keys} (sorted, unique) from one shard. Answered by
 * {@link ValuesMessage}.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public final class PullMessage extends KeyListRequest {

  public PullMessage(int tableId, int shard, long[] keys) {
    super(MessageType.PULL, tableId, shard, keys);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static PullMessage decode(ByteBuf body) {
    return read(body, MessageType.PULL, PullMessage::new);
  }
}
