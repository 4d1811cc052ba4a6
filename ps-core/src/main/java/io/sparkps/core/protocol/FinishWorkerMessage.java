package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: the worker finished its part of the run; it stops gating the others. Answered by
 * {@link OkMessage}.
 * Immutable.
 */
public record FinishWorkerMessage(long runId, int worker) implements Message {

  @Override
  public MessageType type() {
    return MessageType.FINISH_WORKER;
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
  public static FinishWorkerMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    int worker = body.readIntLE();
    return new FinishWorkerMessage(runId, worker);
  }
}
