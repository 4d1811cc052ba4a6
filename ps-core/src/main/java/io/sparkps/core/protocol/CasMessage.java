package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Request: replace the row of {@code key} with {@code values} if its version is
 * {@code expectedVersion}. Answered by {@link CasResultMessage}.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record CasMessage(
    int tableId, int shard, long key, long expectedVersion, float[] values)
    implements ShardRequest {

  public CasMessage {
    Objects.requireNonNull(values, "values");
  }

  @Override
  public MessageType type() {
    return MessageType.CAS;
  }

  @Override
  public int encodedLength() {
    return 24 + Codec.floatsLength(values);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    buf.writeLongLE(key);
    buf.writeLongLE(expectedVersion);
    Codec.writeFloats(buf, values);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CasMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    long key = body.readLongLE();
    long expectedVersion = body.readLongLE();
    float[] values = Codec.readFloats(body, "CAS values");
    return new CasMessage(tableId, shard, key, expectedVersion, values);
  }

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
}
