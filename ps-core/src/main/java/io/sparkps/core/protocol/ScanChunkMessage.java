package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Response to {@link ScanMessage}: a chunk of rows (keys and row-major values) and the cursor to
 * continue from; {@code nextCursor} is -1 when the scan is complete.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record ScanChunkMessage(long nextCursor, long[] keys, float[] values) implements Message {

  public ScanChunkMessage {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
  }

  @Override
  public MessageType type() {
    return MessageType.SCAN_CHUNK;
  }

  @Override
  public int encodedLength() {
    return 8 + Codec.longsLength(keys) + Codec.floatsLength(values);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(nextCursor);
    Codec.writeLongs(buf, keys);
    Codec.writeFloats(buf, values);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ScanChunkMessage decode(ByteBuf body) {
    long nextCursor = body.readLongLE();
    long[] keys = Codec.readLongs(body, "SCAN_CHUNK keys");
    float[] values = Codec.readFloats(body, "SCAN_CHUNK values");
    return new ScanChunkMessage(nextCursor, keys, values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanChunkMessage m
        && nextCursor == m.nextCursor
        && Arrays.equals(keys, m.keys)
        && Arrays.equals(values, m.values);
  }

  @Override
  public int hashCode() {
    int h = 0;
    h = 31 * h + Long.hashCode(nextCursor);
    h = 31 * h + Arrays.hashCode(keys);
    h = 31 * h + Arrays.hashCode(values);
    return h;
  }

  @Override
  public String toString() {
    return "ScanChunkMessage["
        + "nextCursor=" + nextCursor
        + ", keys=" + Codec.describe(keys)
        + ", values=" + Codec.describe(values)
        + "]";
  }
}
