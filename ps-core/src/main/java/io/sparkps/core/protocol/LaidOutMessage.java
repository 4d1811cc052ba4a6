package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A message whose body is declared by a {@link BodyLayout}: type, length and encoding all come
 * from it, so an implementation is a record, its {@code LAYOUT} and a one-line
 * {@code decode(body) { return LAYOUT.read(body); }}. Implementations are immutable records.
 */
public interface LaidOutMessage extends Message {

  /** The layout of this message's body; the same constant for every message of the type. */
  BodyLayout<?> layout();

  @Override
  default MessageType type() {
    return layout().type();
  }

  @Override
  default int encodedLength() {
    return layout().length(this);
  }

  @Override
  default void encode(ByteBuf buf) {
    layout().write(buf, this);
  }
}
