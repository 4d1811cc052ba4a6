package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Response to {@link CasMessage}: whether the row was replaced, the row's version after the
 * call, and its values after the call (so a failed CAS can retry without another pull).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record CasResultMessage(boolean applied, long version, float[] values) implements LaidOutMessage {

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

  static final BodyLayout<CasResultMessage> LAYOUT = BodyLayout.of(MessageType.CAS_RESULT,
      BodyLayout.bool("applied", CasResultMessage::applied),
      BodyLayout.int64("version", CasResultMessage::version),
      BodyLayout.floats("values", CasResultMessage::values),
      CasResultMessage::new);

  public CasResultMessage {
    Objects.requireNonNull(values, "values");
  }

  @Override
  public BodyLayout<CasResultMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CasResultMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
