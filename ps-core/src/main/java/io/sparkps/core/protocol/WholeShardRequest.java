package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A request about a whole shard that carries nothing but its address, with the body
 * {@code [int32 tableId][int32 shard]} (CLEAR, SIZE). The layout lives here once so such a
 * message is a record with a type and a one-line decode. Implementations are immutable records.
 */
public interface WholeShardRequest extends ShardRequest {

  /** A record constructor, for {@link #read}. */
  @FunctionalInterface
  interface Factory<T extends WholeShardRequest> {
    T create(int tableId, int shard);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  static <T extends WholeShardRequest> T read(ByteBuf body, Factory<T> factory) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    return factory.create(tableId, shard);
  }

  @Override
  default int encodedLength() {
    return 8;
  }

  @Override
  default void encode(ByteBuf buf) {
    buf.writeIntLE(tableId());
    buf.writeIntLE(shard());
  }
}
