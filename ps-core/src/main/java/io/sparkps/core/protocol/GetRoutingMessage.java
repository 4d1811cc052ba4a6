package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: the current routing table. Answered by {@link RoutingMessage}.
 * Immutable.
 */
public record GetRoutingMessage() implements Message {

  public static final GetRoutingMessage INSTANCE = new GetRoutingMessage();

  @Override
  public MessageType type() {
    return MessageType.GET_ROUTING;
  }

  @Override
  public int encodedLength() {
    return 0;
  }

  @Override
  public void encode(ByteBuf buf) {
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static GetRoutingMessage decode(ByteBuf body) {
    return INSTANCE;
  }
}
