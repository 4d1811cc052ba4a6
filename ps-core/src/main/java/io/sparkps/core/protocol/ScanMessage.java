package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Request: up to {@code maxRows} rows of a shard starting at {@code cursor} (0 to start).
 * Answered by {@link ScanChunkMessage}.
 * Immutable.
 */
public record ScanMessage(int tableId, int shard, long cursor, int maxRows) implements ShardRequest, LaidOutMessage {

  static final BodyLayout<ScanMessage> LAYOUT = BodyLayout.of(MessageType.SCAN,
      BodyLayout.int32("tableId", ScanMessage::tableId),
      BodyLayout.int32("shard", ScanMessage::shard),
      BodyLayout.int64("cursor", ScanMessage::cursor),
      BodyLayout.int32("maxRows", ScanMessage::maxRows),
      ScanMessage::new);

  @Override
  public BodyLayout<ScanMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ScanMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
