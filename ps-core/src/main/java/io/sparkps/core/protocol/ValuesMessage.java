package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Response: row values, row-major, in the order of the request's keys.
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record ValuesMessage(float[] values) implements LaidOutMessage {

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

  static final BodyLayout<ValuesMessage> LAYOUT = BodyLayout.of(MessageType.VALUES,
      BodyLayout.floats("values", ValuesMessage::values),
      ValuesMessage::new);

  public ValuesMessage {
    Objects.requireNonNull(values, "values");
  }

  @Override
  public BodyLayout<ValuesMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ValuesMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
