package io.sparkps.core.protocol;

/**
 * Identifies one push for exactly-once delivery: the run, the worker (Spark partition), the
 * worker's clock and a sequence number within that clock. A retried task re-sends the same id,
 * so the server recognises it by its high-water mark per (run, worker). {@link #NONE} marks a
 * push that needs no deduplication. Immutable.
 */
public record PushId(long runId, int worker, long clock, int seq) {

  /** No deduplication for this push. */
  public static final PushId NONE = new PushId(-1, -1, -1, -1);

  /** Encoded size in bytes. */
  static final int ENCODED_LENGTH = 8 + 4 + 8 + 4;

  public boolean isNone() {
    return equals(NONE);
  }
}
