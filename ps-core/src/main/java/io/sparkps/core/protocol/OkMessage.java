package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response: the request succeeded and returns nothing.
 * Immutable.
 */
public record OkMessage() implements Message {

  public static final OkMessage INSTANCE = new OkMessage();

  @Override
  public MessageType type() {
    return MessageType.OK;
  }

  @Override
  public int encodedLength() {
    return 0;
  }

  @Override
  public void encode(ByteBuf buf) {
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static OkMessage decode(ByteBuf body) {
    return INSTANCE;
  }
}
