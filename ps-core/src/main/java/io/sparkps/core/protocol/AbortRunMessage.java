package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request: fail the run, releasing every waiting worker with an error. Sent by worker
 * {@code worker} (-1: from outside the run); the scheduler ignores a worker's abort once that
 * worker is no longer registered (the run already failed and rolled it back: a late abort from
 * the old task must not fail the resumed run). Answered by {@link OkMessage}. Immutable.
 */
public record AbortRunMessage(long runId, int worker, String reason) implements WorkerRequest {

  public AbortRunMessage {
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public MessageType type() {
    return MessageType.ABORT_RUN;
  }

  @Override
  public int tailLength() {
    return Codec.stringLength(reason);
  }

  @Override
  public void encodeTail(ByteBuf buf) {
    Codec.writeString(buf, reason);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AbortRunMessage decode(ByteBuf body) {
    return WorkerRequest.readWithTail(body,
        (runId, worker, tail) -> new AbortRunMessage(runId, worker, Codec.readString(tail, "ABORT_RUN reason")));
  }
}
