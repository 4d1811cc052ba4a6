package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: the rows of the dense key range [start, end) from one shard. Answered by
 * {@link ValuesMessage}.
 * Immutable.
 */
public record PullRangeMessage(int tableId, int shard, long start, long end) implements ShardRequest, LaidOutMessage {

  static final BodyLayout<PullRangeMessage> LAYOUT = BodyLayout.of(MessageType.PULL_RANGE,
      BodyLayout.int32("tableId", PullRangeMessage::tableId),
      BodyLayout.int32("shard", PullRangeMessage::shard),
      BodyLayout.int64("start", PullRangeMessage::start),
      BodyLayout.int64("end", PullRangeMessage::end),
      PullRangeMessage::new);

  @Override
  public BodyLayout<PullRangeMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static PullRangeMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
