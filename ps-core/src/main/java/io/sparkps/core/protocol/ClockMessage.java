package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: worker {@code worker} of run {@code runId} finished clock {@code clock - 1}. Answered
 * by {@link CountMessage} (the slowest worker's clock) once the staleness gate lets it proceed.
 * Immutable.
 */
public record ClockMessage(long runId, int worker, long clock) implements Message {

  @Override
  public MessageType type() {
    return MessageType.CLOCK;
  }

  @Override
  public int encodedLength() {
    return 20;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(runId);
    buf.writeIntLE(worker);
    buf.writeLongLE(clock);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ClockMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    int worker = body.readIntLE();
    long clock = body.readLongLE();
    return new ClockMessage(runId, worker, clock);
  }
}
