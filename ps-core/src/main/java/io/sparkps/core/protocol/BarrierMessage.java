package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request: wait until {@code parties} participants reached the barrier {@code name}.
 * Answered by {@link OkMessage} when the last one arrives.
 * Immutable.
 */
public record BarrierMessage(String name, int parties) implements Message {

  public BarrierMessage {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public MessageType type() {
    return MessageType.BARRIER;
  }

  @Override
  public int encodedLength() {
    return 4 + Codec.stringLength(name);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeString(buf, name);
    buf.writeIntLE(parties);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static BarrierMessage decode(ByteBuf body) {
    String name = Codec.readString(body, "BARRIER name");
    int parties = body.readIntLE();
    return new BarrierMessage(name, parties);
  }
}
