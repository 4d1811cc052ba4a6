package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control, server to scheduler: the server is alive. Answered by {@link OkMessage} (or sent
 * one-way).
 * Immutable.
 */
public record HeartbeatMessage(int serverId) implements Message {

  @Override
  public MessageType type() {
    return MessageType.HEARTBEAT;
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
  public static HeartbeatMessage decode(ByteBuf body) {
    int serverId = body.readIntLE();
    return new HeartbeatMessage(serverId);
  }
}
