package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: the rows of the dense key range [start, end) from one shard. Answered by
 * {@link ValuesMessage}.
 * Immutable.
 */
public record PullRangeMessage(int tableId, int shard, long start, long end) implements ShardRequest {

  @Override
  public MessageType type() {
    return MessageType.PULL_RANGE;
  }

  @Override
  public int encodedLength() {
    return 24;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    buf.writeLongLE(start);
    buf.writeLongLE(end);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static PullRangeMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    long start = body.readLongLE();
    long end = body.readLongLE();
    return new PullRangeMessage(tableId, shard, start, end);
  }
}
