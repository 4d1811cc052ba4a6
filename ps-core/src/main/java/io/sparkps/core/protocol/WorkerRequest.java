package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A control message from worker {@code worker} of run {@code runId} that carries nothing else,
 * with the body {@code [int64 runId][int32 worker]} (RUN_BARRIER, WORKER_HEARTBEAT,
 * FINISH_WORKER). The layout lives here once so such a message is a record with a type and a
 * one-line decode. Implementations are immutable records.
 */
public interface WorkerRequest extends Message {

  /** A record constructor, for {@link #read}. */
  @FunctionalInterface
  interface Factory<T extends WorkerRequest> {
    T create(long runId, int worker);
  }

  long runId();

  int worker();

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  static <T extends WorkerRequest> T read(ByteBuf body, Factory<T> factory) {
    long runId = body.readLongLE();
    int worker = body.readIntLE();
    return factory.create(runId, worker);
  }

  @Override
  default int encodedLength() {
    return 12;
  }

  @Override
  default void encode(ByteBuf buf) {
    buf.writeLongLE(runId());
    buf.writeIntLE(worker());
  }
}
