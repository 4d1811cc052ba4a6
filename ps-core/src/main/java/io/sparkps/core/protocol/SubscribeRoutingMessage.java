package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: send this connection every new routing table as a one-way
 * {@link RoutingMessage}. Answered by {@link OkMessage}.
 * Immutable.
 */
public record SubscribeRoutingMessage() implements Message {

  public static final SubscribeRoutingMessage INSTANCE = new SubscribeRoutingMessage();

  @Override
  public MessageType type() {
    return MessageType.SUBSCRIBE_ROUTING;
  }

  @Override
  public int encodedLength() {
    return 0;
  }

  @Override
  public void encode(ByteBuf buf) {
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static SubscribeRoutingMessage decode(ByteBuf body) {
    return INSTANCE;
  }
}
