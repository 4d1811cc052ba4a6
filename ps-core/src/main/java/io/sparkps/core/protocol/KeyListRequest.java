package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * A data-plane request naming a list of keys in one shard, with the body
 * {@code [int32 tableId][int32 shard][int32 count][count x int64 key]}. PULL, CONTAINS and
 * REMOVE differ only in their type and in what the server does with the keys, so the layout,
 * its validation and {@code equals}/{@code hashCode}/{@code toString} live here once: a new
 * key-list request is a final subclass with a constructor and a one-line {@code decode}.
 * Subclasses add no fields (equality compares the class and the fields here).
 * Immutable; the key array is shared, not copied (see package docs).
 */
public abstract class KeyListRequest implements ShardRequest {

  /** A subclass constructor, for {@link #read}. */
  @FunctionalInterface
  interface Factory<T extends KeyListRequest> {
    T create(int tableId, int shard, long[] keys);
  }

  private final MessageType type;
  private final int tableId;
  private final int shard;
  private final long[] keys;

  KeyListRequest(MessageType type, int tableId, int shard, long[] keys) {
    this.type = type;
    this.tableId = tableId;
    this.shard = shard;
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * Reads a body of {@code type} at the reader index; does not take ownership of {@code body}.
   * The key count is checked against the bytes left before the array is allocated.
   */
  static <T extends KeyListRequest> T read(ByteBuf body, MessageType type, Factory<T> factory) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    long[] keys = Codec.readLongs(body, type.name() + " keys");
    return factory.create(tableId, shard, keys);
  }

  @Override
  public final MessageType type() {
    return type;
  }

  @Override
  public final int tableId() {
    return tableId;
  }

  @Override
  public final int shard() {
    return shard;
  }

  /** The keys (sorted, unique); shared, not copied: treat as read-only. */
  public final long[] keys() {
    return keys;
  }

  @Override
  public final int encodedLength() {
    return 8 + Codec.longsLength(keys);
  }

  @Override
  public final void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    Codec.writeLongs(buf, keys);
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof KeyListRequest m
        && m.getClass() == getClass()
        && tableId == m.tableId
        && shard == m.shard
        && Arrays.equals(keys, m.keys);
  }

  @Override
  public final int hashCode() {
    int h = 0;
    h = 31 * h + tableId;
    h = 31 * h + shard;
    h = 31 * h + Arrays.hashCode(keys);
    return h;
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName() + "["
        + "tableId=" + tableId
        + ", shard=" + shard
        + ", keys=" + Codec.describe(keys)
        + "]";
  }
}
