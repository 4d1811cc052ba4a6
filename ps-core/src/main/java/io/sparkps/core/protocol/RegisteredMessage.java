package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response to {@link RegisterServerMessage}: the id the scheduler assigned.
 * Immutable.
 */
public record RegisteredMessage(int serverId) implements Message {

  @Override
  public MessageType type() {
    return MessageType.REGISTERED;
  }

  @Override
  public int encodedLength() {
    return 4;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(serverId);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RegisteredMessage decode(ByteBuf body) {
    int serverId = body.readIntLE();
    return new RegisteredMessage(serverId);
  }
}
