package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One-way: worker {@code worker} of run {@code runId} is alive.
 * Immutable.
 */
public record WorkerHeartbeatMessage(long runId, int worker) implements Message {

  @Override
  public MessageType type() {
    return MessageType.WORKER_HEARTBEAT;
  }

  @Override
  public int encodedLength() {
    return 12;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(runId);
    buf.writeIntLE(worker);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static WorkerHeartbeatMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    int worker = body.readIntLE();
    return new WorkerHeartbeatMessage(runId, worker);
  }
}
