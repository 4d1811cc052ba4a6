package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response to {@link RegisterServerMessage}: the id the scheduler assigned.
 * Immutable.
 */
public record RegisteredMessage(int serverId) implements ServerIdBody {

  @Override
  public MessageType type() {
    return MessageType.REGISTERED;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RegisteredMessage decode(ByteBuf body) {
    return new RegisteredMessage(body.readIntLE());
  }
}
