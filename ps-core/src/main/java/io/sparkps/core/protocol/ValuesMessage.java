package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Response: row values, row-major, in the order of the request's keys.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record ValuesMessage(float[] values) implements Message {

  public ValuesMessage {
    Objects.requireNonNull(values, "values");
  }

  @Override
  public MessageType type() {
    return MessageType.VALUES;
  }

  @Override
  public int encodedLength() {
    return Codec.floatsLength(values);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeFloats(buf, values);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ValuesMessage decode(ByteBuf body) {
    float[] values = Codec.readFloats(body, "VALUES values");
    return new ValuesMessage(values);
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
