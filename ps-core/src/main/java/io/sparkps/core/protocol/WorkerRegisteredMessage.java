package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response to {@link RegisterWorkerMessage}: the run's numeric id (it tags pushes) and the clock the
 * worker resumes from.
 * Immutable.
 */
public record WorkerRegisteredMessage(long runId, long clock) implements Message {

  @Override
  public MessageType type() {
    return MessageType.WORKER_REGISTERED;
  }

  @Override
  public int encodedLength() {
    return 16;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(runId);
    buf.writeLongLE(clock);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static WorkerRegisteredMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    long clock = body.readLongLE();
    return new WorkerRegisteredMessage(runId, clock);
  }
}
