package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: wait until every unfinished worker of the run arrives. Answered by {@link OkMessage}.
 * Immutable.
 */
public record RunBarrierMessage(long runId, int worker) implements WorkerRequest {

  @Override
  public MessageType type() {
    return MessageType.RUN_BARRIER;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RunBarrierMessage decode(ByteBuf body) {
    return WorkerRequest.read(body, RunBarrierMessage::new);
  }
}
