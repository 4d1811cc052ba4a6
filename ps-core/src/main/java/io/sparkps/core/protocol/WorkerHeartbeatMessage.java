package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One-way: worker {@code worker} of run {@code runId} is alive.
 * Immutable.
 */
public record WorkerHeartbeatMessage(long runId, int worker) implements WorkerRequest {

  @Override
  public MessageType type() {
    return MessageType.WORKER_HEARTBEAT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static WorkerHeartbeatMessage decode(ByteBuf body) {
    return WorkerRequest.read(body, WorkerHeartbeatMessage::new);
  }
}
