package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request: wait until {@code parties} participants reached the barrier {@code name}.
 * Answered by {@link OkMessage} when the last one arrives.
 * Immutable.
 */
public record BarrierMessage(String name, int parties) implements LaidOutMessage {

  static final BodyLayout<BarrierMessage> LAYOUT = BodyLayout.of(MessageType.BARRIER,
      BodyLayout.string("name", BarrierMessage::name),
      BodyLayout.int32("parties", BarrierMessage::parties),
      BarrierMessage::new);

  public BarrierMessage {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public BodyLayout<BarrierMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static BarrierMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
