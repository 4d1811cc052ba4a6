package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Control request: the worker finished its part of the run; it stops gating the others. Answered by
 * {@link OkMessage}.
 * Immutable.
 */
public record FinishWorkerMessage(long runId, int worker) implements WorkerRequest {

  @Override
  public MessageType type() {
    return MessageType.FINISH_WORKER;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static FinishWorkerMessage decode(ByteBuf body) {
    return WorkerRequest.read(body, FinishWorkerMessage::new);
  }
}
