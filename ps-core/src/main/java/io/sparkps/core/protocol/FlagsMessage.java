package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Response: one flag per requested key (e.g. contains).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record FlagsMessage(boolean[] flags) implements Message {

  public FlagsMessage {
    Objects.requireNonNull(flags, "flags");
  }

  @Override
  public MessageType type() {
    return MessageType.FLAGS;
  }

  @Override
  public int encodedLength() {
    return Codec.booleansLength(flags);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeBooleans(buf, flags);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static FlagsMessage decode(ByteBuf body) {
    boolean[] flags = Codec.readBooleans(body, "FLAGS flags");
    return new FlagsMessage(flags);
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
