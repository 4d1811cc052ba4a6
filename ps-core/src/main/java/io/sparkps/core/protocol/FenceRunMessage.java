package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request, scheduler to server: refuse pushes of run {@code runId} tagged with an epoch
 * below {@code epoch} (the run was rolled back). Answered by {@link OkMessage}. Immutable.
 */
public record FenceRunMessage(long runId, int epoch) implements Message {

  @Override
  public MessageType type() {
    return MessageType.FENCE_RUN;
  }

  @Override
  public int encodedLength() {
    return 12;
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(runId);
    buf.writeIntLE(epoch);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static FenceRunMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    int epoch = body.readIntLE();
    return new FenceRunMessage(runId, epoch);
  }
}
