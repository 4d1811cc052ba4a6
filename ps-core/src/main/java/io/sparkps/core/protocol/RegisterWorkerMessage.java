package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request: register worker {@code worker} of {@code numWorkers} in the training run named
 * {@code run}, with its staleness bound (-1 ASP, 0 BSP, s SSP). Answered by
 * {@link WorkerRegisteredMessage}; a retried task re-registering resumes from its clock.
 * Immutable.
 */
public record RegisterWorkerMessage(String run, int worker, int numWorkers, int staleness) implements Message {

  public RegisterWorkerMessage {
    Objects.requireNonNull(run, "run");
  }

  @Override
  public MessageType type() {
    return MessageType.REGISTER_WORKER;
  }

  @Override
  public int encodedLength() {
    return 12 + Codec.stringLength(run);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeString(buf, run);
    buf.writeIntLE(worker);
    buf.writeIntLE(numWorkers);
    buf.writeIntLE(staleness);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RegisterWorkerMessage decode(ByteBuf body) {
    String run = Codec.readString(body, "REGISTER_WORKER run");
    int worker = body.readIntLE();
    int numWorkers = body.readIntLE();
    int staleness = body.readIntLE();
    return new RegisterWorkerMessage(run, worker, numWorkers, staleness);
  }
}
