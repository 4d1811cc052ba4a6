package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A control message from worker {@code worker} of run {@code runId}, with the body
 * {@code [int64 runId][int32 worker]} followed by a tail of its own: none for RUN_BARRIER,
 * WORKER_HEARTBEAT and FINISH_WORKER, the clock for CLOCK, the reason for ABORT_RUN. The prefix
 * layout lives here once so such a message is a record with a type, its tail and a one-line
 * decode. Implementations are immutable records.
 */
public interface WorkerRequest extends Message {

  /** A record constructor, for {@link #read}. */
  @FunctionalInterface
  interface Factory<T extends WorkerRequest> {
    T create(long runId, int worker);
  }

  /** A record constructor that reads the fields after the prefix from {@code tail}, for {@link #readWithTail}. */
  @FunctionalInterface
  interface TailFactory<T extends WorkerRequest> {
    T create(long runId, int worker, ByteBuf tail);
  }

  long runId();

  int worker();

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  static <T extends WorkerRequest> T read(ByteBuf body, Factory<T> factory) {
    long runId = body.readLongLE();
    int worker = body.readIntLE();
    return factory.create(runId, worker);
  }

  /** Reads the prefix, then lets {@code factory} read the tail; does not take ownership of {@code body}. */
  static <T extends WorkerRequest> T readWithTail(ByteBuf body, TailFactory<T> factory) {
    long runId = body.readLongLE();
    int worker = body.readIntLE();
    return factory.create(runId, worker, body);
  }

  /** Bytes {@link #encodeTail} writes after the prefix; none unless the message has a tail. */
  default int tailLength() {
    return 0;
  }

  /** Writes the fields after the prefix; nothing unless the message has a tail. */
  default void encodeTail(ByteBuf buf) {
  }

  @Override
  default int encodedLength() {
    return 12 + tailLength();
  }

  @Override
  default void encode(ByteBuf buf) {
    buf.writeLongLE(runId());
    buf.writeIntLE(worker());
    encodeTail(buf);
  }
}
