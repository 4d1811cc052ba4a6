package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request: fail the run, releasing every waiting worker with an error. Answered by
 * {@link OkMessage}.
 * Immutable.
 */
public record AbortRunMessage(long runId, String reason) implements Message {

  public AbortRunMessage {
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public MessageType type() {
    return MessageType.ABORT_RUN;
  }

  @Override
  public int encodedLength() {
    return 8 + Codec.stringLength(reason);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeLongLE(runId);
    Codec.writeString(buf, reason);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AbortRunMessage decode(ByteBuf body) {
    long runId = body.readLongLE();
    String reason = Codec.readString(body, "ABORT_RUN reason");
    return new AbortRunMessage(runId, reason);
  }
}
