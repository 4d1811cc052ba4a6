package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request, scheduler to server: refuse pushes of run {@code runId} tagged with an epoch
 * below {@code epoch} (the run was rolled back). Answered by {@link OkMessage}. Immutable.
 */
public record FenceRunMessage(long runId, int epoch) implements LaidOutMessage {

  static final BodyLayout<FenceRunMessage> LAYOUT = BodyLayout.of(MessageType.FENCE_RUN,
      BodyLayout.int64("runId", FenceRunMessage::runId),
      BodyLayout.int32("epoch", FenceRunMessage::epoch),
      FenceRunMessage::new);

  @Override
  public BodyLayout<FenceRunMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static FenceRunMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
