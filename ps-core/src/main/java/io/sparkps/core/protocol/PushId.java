package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Identifies one push for exactly-once delivery: the run, the worker (Spark partition), the
 * worker's clock and a sequence number within that clock. A retried task re-sends the same id,
 * so the server recognises it by its high-water mark per (run, worker). {@code epoch} counts the
 * run's rollbacks when the worker registered: servers refuse pushes of an older epoch, so a task
 * that has not yet noticed a rollback cannot write into a restored shard. {@link #NONE} marks a
 * push that needs no deduplication. Immutable.
 */
public record PushId(long runId, int worker, long clock, int seq, int epoch) {

  /** No deduplication for this push. */
  public static final PushId NONE = new PushId(-1, -1, -1, -1, -1);

  /** Encoded size in bytes. */
  static final int ENCODED_LENGTH = 8 + 4 + 8 + 4 + 4;

  /** A push of a run never rolled back. */
  public PushId(long runId, int worker, long clock, int seq) {
    this(runId, worker, clock, seq, 0);
  }

  public boolean isNone() {
    return equals(NONE);
  }

  /** Writes the {@link #ENCODED_LENGTH} bytes of this id, little-endian, field by field. */
  void write(ByteBuf buf) {
    buf.writeLongLE(runId);
    buf.writeIntLE(worker);
    buf.writeLongLE(clock);
    buf.writeIntLE(seq);
    buf.writeIntLE(epoch);
  }

  /** Reads an id written by {@link #write}; does not take ownership of {@code buf}. */
  static PushId read(ByteBuf buf) {
    long runId = buf.readLongLE();
    int worker = buf.readIntLE();
    long clock = buf.readLongLE();
    int seq = buf.readIntLE();
    int epoch = buf.readIntLE();
    return new PushId(runId, worker, clock, seq, epoch);
  }
}
