package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response to {@link RegisterWorkerMessage}: the run's numeric id (it tags pushes), the clock the
 * worker resumes from, and the run's epoch (its number of rollbacks; it tags pushes too).
 * Immutable.
 */
public record WorkerRegisteredMessage(long runId, long clock, int epoch) implements Message {

  @Override
  public MessageType type() {
    return MessageType.WORKER_REGISTERED;
  }

  @Override
  public int encodedLength() {
    return 20;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(runId);
    buf.writeLongLE(clock);
    buf.writeIntLE(epoch);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static WorkerRegisteredMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    long clock = body.readLongLE();
    int epoch = body.readIntLE();
    return new WorkerRegisteredMessage(runId, clock, epoch);
  }
}
