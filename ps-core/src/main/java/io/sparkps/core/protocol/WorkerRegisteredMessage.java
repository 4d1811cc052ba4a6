package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Response to {@link RegisterWorkerMessage}: the run's numeric id (it tags pushes), the clock the
 * worker resumes from, and the run's epoch (its number of rollbacks; it tags pushes too).
 * Immutable.
 */
public record WorkerRegisteredMessage(long runId, long clock, int epoch) implements LaidOutMessage {

  static final BodyLayout<WorkerRegisteredMessage> LAYOUT = BodyLayout.of(MessageType.WORKER_REGISTERED,
      BodyLayout.int64("runId", WorkerRegisteredMessage::runId),
      BodyLayout.int64("clock", WorkerRegisteredMessage::clock),
      BodyLayout.int32("epoch", WorkerRegisteredMessage::epoch),
      WorkerRegisteredMessage::new);

  @Override
  public BodyLayout<WorkerRegisteredMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static WorkerRegisteredMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
