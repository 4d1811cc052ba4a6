package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request, scheduler to server: write every hosted shard of the tables {@code tableIds}
 * into the checkpoint directory {@code dir}, one shard file each, each on its shard's lane (so it
 * sees no half-applied push). Answered by {@link CountMessage} with the bytes written. Immutable.
 */
public record CheckpointShardsMessage(String dir, int[] tableIds) implements Message {

  public CheckpointShardsMessage {
    Objects.requireNonNull(dir, "dir");
    tableIds = tableIds.clone();
  }

  @Override
  public int[] tableIds() {
    return tableIds.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.CHECKPOINT_SHARDS;
  }

  @Override
  public int encodedLength() {
    return Codec.stringLength(dir) + Codec.intsLength(tableIds);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeString(buf, dir);
    Codec.writeInts(buf, tableIds);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CheckpointShardsMessage decode(ByteBuf body) {
    String dir = Codec.readString(body, "CHECKPOINT_SHARDS dir");
    int[] tableIds = Codec.readInts(body, "CHECKPOINT_SHARDS table ids");
    return new CheckpointShardsMessage(dir, tableIds);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckpointShardsMessage m && dir.equals(m.dir) && java.util.Arrays.equals(tableIds, m.tableIds);
  }

  @Override
  public int hashCode() {
    return 31 * dir.hashCode() + java.util.Arrays.hashCode(tableIds);
  }

  @Override
  public String toString() {
    return "CheckpointShardsMessage[dir=" + dir + ", tableIds=" + java.util.Arrays.toString(tableIds) + "]";
  }
}
