package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Control request: register worker {@code worker} of {@code numWorkers} in the training run named
 * {@code run}, with its staleness bound (-1 ASP, 0 BSP, s SSP). Answered by
 * {@link WorkerRegisteredMessage}; a retried task re-registering resumes from its clock.
 * Immutable.
 */
public record RegisterWorkerMessage(String run, int worker, int numWorkers, int staleness) implements LaidOutMessage {

  static final BodyLayout<RegisterWorkerMessage> LAYOUT = BodyLayout.of(MessageType.REGISTER_WORKER,
      BodyLayout.string("run", RegisterWorkerMessage::run),
      BodyLayout.int32("worker", RegisterWorkerMessage::worker),
      BodyLayout.int32("numWorkers", RegisterWorkerMessage::numWorkers),
      BodyLayout.int32("staleness", RegisterWorkerMessage::staleness),
      RegisterWorkerMessage::new);

  public RegisterWorkerMessage {
    Objects.requireNonNull(run, "run");
  }

  @Override
  public BodyLayout<RegisterWorkerMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RegisterWorkerMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
