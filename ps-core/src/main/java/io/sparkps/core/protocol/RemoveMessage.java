package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Request: delete the rows of {@code keys} from a sparse shard. Answered by {@link CountMessage}
 * (rows removed).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record RemoveMessage(int tableId, int shard, long[] keys) implements ShardRequest {

  public RemoveMessage {
    Objects.requireNonNull(keys, "keys");
  }

  @Override
  public MessageType type() {
    return MessageType.REMOVE;
  }

  @Override
  public int encodedLength() {
    return 8 + Codec.longsLength(keys);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    Codec.writeLongs(buf, keys);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RemoveMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    long[] keys = Codec.readLongs(body, "REMOVE keys");
    return new RemoveMessage(tableId, shard, keys);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoveMessage m
        && tableId == m.tableId
        && shard == m.shard
        && Arrays.equals(keys, m.keys);
  }

  @Override
  public int hashCode() {
    int h = 0;
    h = 31 * h + tableId;
    h = 31 * h + shard;
    h = 31 * h + Arrays.hashCode(keys);
    return h;
  }

  @Override
  public String toString() {
    return "RemoveMessage["
        + "tableId=" + tableId
        + ", shard=" + shard
        + ", keys=" + Codec.describe(keys)
        + "]";
  }
}
