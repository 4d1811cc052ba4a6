package io.sparkps.core.storage;

import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;

/**
 * One shard of one table: rows of {@code dim} weights plus the updater's per-row state, a
 * version per row, and the table's updater and initializer. Rows move in and out only by copy,
 * so an off-heap implementation can sit behind the same interface.
 *
 * <p>NOT thread-safe: the server calls a given store from one thread at a time (its shard
 * executor); different stores may run in parallel.
 *
 * <p>Key ranges: a dense store holds global row indices {@code [start, end)} and rejects other
 * keys with {@link KeyOutOfRangeException} (an {@code IllegalArgumentException}); a sparse
 * store accepts every {@code long}. Arrays too short for the given offsets and lengths are
 * rejected with {@link IllegalArgumentException} before anything changes, and so are dense keys
 * out of range.
 */
public interface ShardStore extends AutoCloseable {

  /** Floats per step of the default buffer pulls (64 KiB). */
  int BUFFER_CHUNK_FLOATS = 16 * 1024;

  int dim();

  /** Floats per stored record: the {@code dim} weights followed by the updater's per-row state. */
  int rowWidth();

  /** Rows that exist (materialised). Dense: the shard's row count. */
  long size();

  /**
   * Copies the weights of {@code keys[off..off+len)} to {@code out[outOff..outOff+len*dim)}.
   * Absent rows yield the initializer's values and are NOT materialised.
   */
  void pull(long[] keys, int off, int len, float[] out, int outOff);

  /**
   * Like {@link #pull(long[], int, int, float[], int)}, writing the weights to {@code out} at its
   * position, which advances by {@code len * dim}: e.g. a little-endian view of an outgoing frame,
   * so a reply is encoded without an intermediate array. Throws BufferOverflowException when
   * fewer floats remain (nothing is written then). The default copies through a small array.
   */
  default void pull(long[] keys, int off, int len, FloatBuffer out) {
    StoreArgs.checkKeys(keys, off, len);
    int dim = dim();
    if ((long) len * dim > out.remaining()) {
      throw new BufferOverflowException();
    }
    int chunk = Math.max(1, Math.min(len, BUFFER_CHUNK_FLOATS / dim));
    float[] rows = new float[chunk * dim];
    for (int i = 0; i < len; i += chunk) {
      int n = Math.min(chunk, len - i);
      pull(keys, off + i, n, rows, 0);
      out.put(rows, 0, n * dim);
    }
  }

  /**
   * Like {@link #pullRange(long, long, float[], int)}, writing to {@code out} at its position
   * (see {@link #pull(long[], int, int, FloatBuffer)}). The default copies through a small array.
   */
  default void pullRange(long start, long end, FloatBuffer out) {
    if (end <= start) {
      pullRange(start, end, new float[0], 0);  // its checks, its error
      return;
    }
    int dim = dim();
    if (end > start && (end - start) * dim > out.remaining()) {
      throw new BufferOverflowException();
    }
    long chunk = Math.max(1, BUFFER_CHUNK_FLOATS / dim);
    float[] rows = new float[(int) Math.min(chunk, Math.max(0, end - start)) * dim];
    for (long from = start; from < end; from += chunk) {
      long to = Math.min(end, from + chunk);
      pullRange(from, to, rows, 0);
      out.put(rows, 0, (int) (to - from) * dim);
    }
  }

  /**
   * Copies rows {@code [start, end)} (dense: global row indices inside this shard's range) to
   * {@code out}. Sparse stores throw {@code UnsupportedOperationException("pull(range) needs a
   * dense table")}.
   */
  void pullRange(long start, long end, float[] out, int outOff);

  /**
   * Applies the store's updater with {@code deltas[deltaOff + i*dim ..]} to each key,
   * materialising absent rows first (initializer + updater.initState). Bumps each row's version.
   */
  void push(long[] keys, int off, int len, float[] deltas, int deltaOff);

  /** Sets weights to values (optimizer state untouched), materialising absent rows. Bumps versions. */
  void assign(long[] keys, int off, int len, float[] values, int valOff);

  /** Whether the key's row exists; dense: true for every key in range. */
  boolean contains(long key);

  /**
   * Removes rows; returns how many existed. Dense stores throw
   * {@code UnsupportedOperationException("remove needs a sparse table; use assign or clear on dense tables")}.
   */
  int remove(long[] keys, int off, int len);

  /** Per-row version: 0 for an absent/never-written row, +1 on every push/assign/successful cas. */
  long version(long key);

  /**
   * Compare-and-set: if {@code version(key) == expectedVersion}, sets the weights (like assign,
   * materialising), bumps and returns the new version; otherwise returns -1 and changes nothing.
   */
  long compareAndSet(long key, long expectedVersion, float[] values, int valOff);

  /**
   * A push tagged with run {@code runId}'s {@code clock} is about to be applied: a store whose
   * rows expire after a number of clocks moves its shard's clock with it. The default ignores it.
   */
  default void observeClock(long runId, long clock) {}

  /**
   * Removes all rows (sparse) / resets every row to the initializer with fresh optimizer state
   * and version 0 (dense).
   */
  void clear();

  /**
   * Weakly-consistent scan for pullAll: calls {@code sink.row(key, weights, off)} for up to
   * {@code maxRows} existing rows starting at {@code cursor} (0 = start); returns the next cursor,
   * or -1 when the scan is complete. The cursor is an internal slot index: every row that exists
   * for the whole scan is visited exactly once as long as the store is not resized meanwhile;
   * rows added or removed during the scan may or may not be visited.
   */
  long scan(long cursor, int maxRows, RowSink sink);

  /**
   * Checkpoint scan: like {@link #scan} but hands each existing row's version and full record
   * ({@link #rowWidth()} floats: weights then updater state) to {@code sink}. Dense stores visit
   * every row of the shard. Same cursor contract as {@link #scan}; callers that need an exact copy
   * must not modify the store during the scan (the server runs it on the shard's lane).
   */
  long scanRecords(long cursor, int maxRows, RecordSink sink);

  /**
   * Restores one row exactly as a checkpoint recorded it: weights and updater state from
   * {@code record[off .. off + rowWidth())} and the given version, materialising the row (sparse)
   * or overwriting it (dense; key must be in range, else IllegalArgumentException like other ops).
   * Arrays too short, or a negative version, are rejected with IllegalArgumentException before anything changes.
   */
  void load(long key, long version, float[] record, int off);

  /**
   * Releases the rows; any later call throws {@link IllegalStateException}. Idempotent. A
   * persisted store keeps its file, so a store created later for the same shard reopens it.
   */
  @Override
  void close();

  /**
   * Closes the store and discards its rows for good (the table was dropped): a persisted store
   * also deletes its files. Idempotent. The default just closes.
   */
  default void destroy() {
    close();
  }
}
