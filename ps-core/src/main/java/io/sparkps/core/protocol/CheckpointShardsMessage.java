package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request, scheduler to server: write every hosted shard of the tables {@code tableIds}
 * into the checkpoint directory {@code dir}, one shard file each, each on its shard's lane (so it
 * sees no half-applied push). Answered by {@link CountMessage} with the bytes written. Immutable.
 */
public record CheckpointShardsMessage(String dir, int[] tableIds) implements LaidOutMessage {

  @Override
  public boolean equals(Object o) {
    return ArrayRecords.equals(this, o);
  }

  @Override
  public int hashCode() {
    return ArrayRecords.hashCode(this);
  }

  @Override
  public String toString() {
    return ArrayRecords.toString(this);
  }

  static final BodyLayout<CheckpointShardsMessage> LAYOUT = BodyLayout.of(MessageType.CHECKPOINT_SHARDS,
      BodyLayout.string("dir", CheckpointShardsMessage::dir),
      BodyLayout.ints("table ids", CheckpointShardsMessage::tableIds),
      CheckpointShardsMessage::new);

  public CheckpointShardsMessage {
    Objects.requireNonNull(dir, "dir");
    tableIds = tableIds.clone();
  }

  @Override
  public int[] tableIds() {
    return tableIds.clone();
  }

  @Override
  public BodyLayout<CheckpointShardsMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CheckpointShardsMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
