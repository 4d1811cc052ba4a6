package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response: a count (rows in a shard, rows removed...).
 * Immutable.
 */
public record CountMessage(long count) implements Message {

  @Override
  public MessageType type() {
    return MessageType.COUNT;
  }

  @Override
  public int encodedLength() {
    return 8;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(count);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CountMessage decode(ByteBuf body) {
    long count = body.readLongLE();
    return new CountMessage(count);
  }
}
