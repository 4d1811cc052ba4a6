package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: wait until every unfinished worker of the run arrives. Answered by {@link OkMessage}.
 * Immutable.
 */
public record RunBarrierMessage(long runId, int worker) implements Message {

  @Override
  public MessageType type() {
    return MessageType.RUN_BARRIER;
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
  public static RunBarrierMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    int worker = body.readIntLE();
    return new RunBarrierMessage(runId, worker);
  }
}
