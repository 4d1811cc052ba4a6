package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: up to {@code maxRows} rows of a shard starting at {@code cursor} (0 to start).
 * Answered by {@link ScanChunkMessage}.
 * Immutable.
 */
public record ScanMessage(int tableId, int shard, long cursor, int maxRows) implements ShardRequest {

  @Override
  public MessageType type() {
    return MessageType.SCAN;
  }

  @Override
  public int encodedLength() {
    return 20;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    buf.writeLongLE(cursor);
    buf.writeIntLE(maxRows);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ScanMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    long cursor = body.readLongLE();
    int maxRows = body.readIntLE();
    return new ScanMessage(tableId, shard, cursor, maxRows);
  }
}
