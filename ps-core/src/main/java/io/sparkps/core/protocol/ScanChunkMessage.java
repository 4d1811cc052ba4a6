package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Response to {@link ScanMessage}: a chunk of rows (keys and row-major values) and the cursor to
 * continue from; {@code nextCursor} is -1 when the scan is complete.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record ScanChunkMessage(long nextCursor, long[] keys, float[] values) implements LaidOutMessage {

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

  static final BodyLayout<ScanChunkMessage> LAYOUT = BodyLayout.of(MessageType.SCAN_CHUNK,
      BodyLayout.int64("nextCursor", ScanChunkMessage::nextCursor),
      BodyLayout.longs("keys", ScanChunkMessage::keys),
      BodyLayout.floats("values", ScanChunkMessage::values),
      ScanChunkMessage::new);

  public ScanChunkMessage {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
  }

  @Override
  public BodyLayout<ScanChunkMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ScanChunkMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
