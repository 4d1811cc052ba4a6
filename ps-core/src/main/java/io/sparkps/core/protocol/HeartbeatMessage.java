package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control, server to scheduler: the server is alive. Answered by {@link OkMessage} (or sent
 * one-way).
 * Immutable.
 */
public record HeartbeatMessage(int serverId) implements ServerIdBody {

  @Override
  public MessageType type() {
    return MessageType.HEARTBEAT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static HeartbeatMessage decode(ByteBuf body) {
    return new HeartbeatMessage(body.readIntLE());
  }
}
