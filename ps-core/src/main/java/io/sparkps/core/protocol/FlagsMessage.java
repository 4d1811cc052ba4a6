package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Response: one flag per requested key (e.g. contains).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record FlagsMessage(boolean[] flags) implements LaidOutMessage {

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

  static final BodyLayout<FlagsMessage> LAYOUT = BodyLayout.of(MessageType.FLAGS,
      BodyLayout.booleans("flags", FlagsMessage::flags),
      FlagsMessage::new);

  public FlagsMessage {
    Objects.requireNonNull(flags, "flags");
  }

  @Override
  public BodyLayout<FlagsMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static FlagsMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
