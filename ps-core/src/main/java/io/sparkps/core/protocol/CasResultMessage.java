package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Response to {@link CasMessage}: whether the row was replaced, the row's version after the
 * call, and its values after the call (so a failed CAS can retry without another pull).
 * Immutable; arrays are shared, not copied (see package docs).
 */
public record CasResultMessage(boolean applied, long version, float[] values) implements Message {

  public CasResultMessage {
    Objects.requireNonNull(values, "values");
  }

  @Override
  public MessageType type() {
    return MessageType.CAS_RESULT;
  }

  @Override
  public int encodedLength() {
    return 9 + Codec.floatsLength(values);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeBoolean(buf, applied);
    buf.writeLongLE(version);
    Codec.writeFloats(buf, values);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CasResultMessage decode(ByteBuf body) {
    boolean applied = Codec.readBoolean(body, "CAS_RESULT applied");
    long version = body.readLongLE();
    float[] values = Codec.readFloats(body, "CAS_RESULT values");
    return new CasResultMessage(applied, version, values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CasResultMessage m
        && applied == m.applied
        && version == m.version
        && Arrays.equals(values, m.values);
  }

  @Override
  public int hashCode() {
    int h = 0;
    h = 31 * h + Boolean.hashCode(applied);
    h = 31 * h + Long.hashCode(version);
    h = 31 * h + Arrays.hashCode(values);
    return h;
  }

  @Override
  public String toString() {
    return "CasResultMessage["
        + "applied=" + applied
        + ", version=" + version
        + ", values=" + Codec.describe(values)
        + "]";
  }
}
