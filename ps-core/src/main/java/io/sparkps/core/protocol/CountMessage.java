package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response: a count (rows in a shard, rows removed...).
 * Immutable.
 */
public record CountMessage(long count) implements LaidOutMessage {

  static final BodyLayout<CountMessage> LAYOUT = BodyLayout.of(MessageType.COUNT,
      BodyLayout.int64("count", CountMessage::count),
      CountMessage::new);

  @Override
  public BodyLayout<CountMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CountMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
