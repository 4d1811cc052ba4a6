package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: worker {@code worker} of run {@code runId} finished clock {@code clock - 1}. Answered
 * by {@link CountMessage} (the slowest worker's clock) once the staleness gate lets it proceed.
 * Immutable.
 */
public record ClockMessage(long runId, int worker, long clock) implements WorkerRequest {

  @Override
  public MessageType type() {
    return MessageType.CLOCK;
  }

  @Override
  public int tailLength() {
    return 8;
  }

  @Override
  public void encodeTail(ByteBuf buf) {
    buf.writeLongLE(clock);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ClockMessage decode(ByteBuf body) {
    return WorkerRequest.readWithTail(body, (runId, worker, tail) -> new ClockMessage(runId, worker, tail.readLongLE()));
  }
}
