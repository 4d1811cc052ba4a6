package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Request: apply {@code values} (row-major, keys.length x dim) to the rows of {@code keys} in one
 * shard, through the table's updater ({@link PushMode#UPDATE}) or by overwriting
 * ({@link PushMode#ASSIGN}). {@code pushId} deduplicates retries. Answered by {@link OkMessage}, or
 * by {@link ValuesMessage} with the new rows when {@code returnValues}.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record PushMessage(
    int tableId, int shard, PushMode mode, PushId pushId, long[] keys, float[] values,
    boolean returnValues)
    implements ShardRequest {

  public PushMessage {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(pushId, "pushId");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
  }

  @Override
  public MessageType type() {
    return MessageType.PUSH;
  }

  @Override
  public int encodedLength() {
    return 10 + PushId.ENCODED_LENGTH + Codec.longsLength(keys) + Codec.floatsLength(values);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    buf.writeByte(mode.ordinal());
    pushId.write(buf);
    Codec.writeLongs(buf, keys);
    Codec.writeFloats(buf, values);
    Codec.writeBoolean(buf, returnValues);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static PushMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    PushMode mode = PushMode.fromByte(body.readByte());
    PushId pushId = PushId.read(body);
    long[] keys = Codec.readLongs(body, "PUSH keys");
    float[] values = Codec.readFloats(body, "PUSH values");
    boolean returnValues = Codec.readBoolean(body, "PUSH returnValues");
    return new PushMessage(tableId, shard, mode, pushId, keys, values, returnValues);
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
