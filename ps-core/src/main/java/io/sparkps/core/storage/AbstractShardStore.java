package io.sparkps.core.storage;

import io.sparkps.core.update.Updater;
import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * What every shard store shares: the row shape ({@code dim} weights then the updater's state),
 * the updater and initializer, the closed state, {@link #scan} over {@link #scanRecords}, and
 * the argument checks each operation runs before it changes anything, so every store rejects
 * bad input with the same messages. Public only because the Chronicle store lives in its own
 * package ({@code storage.chronicle}); not meant for callers of the stores.
 *
 * <p>NOT thread-safe, like every {@link ShardStore}: one thread at a time.
 */
public abstract class AbstractShardStore implements ShardStore {

  protected final int dim;
  /** Floats per record: {@code dim} weights plus the updater's state. */
  protected final int width;
  protected final Updater updater;
  protected final Initializer init;
  private boolean closed;

  protected AbstractShardStore(int dim, Updater updater, Initializer init) {
    this.updater = Objects.requireNonNull(updater, "updater");
    this.init = Objects.requireNonNull(init, "init");
    this.width = StoreArgs.rowWidth(dim, updater);
    this.dim = dim;
  }

  @Override
  public final int dim() {
    return dim;
  }

  @Override
  public final int rowWidth() {
    return width;
  }

  /** Same cursors as {@link #scanRecords}, which it runs: the weights lead each record. */
  @Override
  public final long scan(long cursor, int maxRows, RowSink sink) {
    // One capturing lambda per call, not per row.
    return scanRecords(cursor, maxRows, (key, version, src, off) -> sink.row(key, src, off));
  }

  /** Whether the store is still open (a dropped shard's is not); read on the store's lane. */
  public final boolean isOpen() {
    return !closed;
  }

  /** Throws {@link IllegalStateException} once the store is closed. */
  protected final void open() {
    if (closed) {
      throw StoreArgs.closed();
    }
  }

  /** Marks the store closed; returns whether it was open until now (close is idempotent). */
  protected final boolean markClosed() {
    boolean wasOpen = !closed;
    closed = true;
    return wasOpen;
  }

  /**
   * Checks the store is open, {@code keys[off..off+len)} exists and {@code what}
   * ({@code values[valOff..valOff+len*dim)}) holds a row per key: a batch's checks.
   */
  protected final void checkBatch(long[] keys, int off, int len, String what, float[] values, int valOff) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    StoreArgs.checkRows(what, values, valOff, len, dim);
  }

  /** {@link #checkBatch} for a pull into a buffer: room for {@code len} rows at its position. */
  protected final void checkBatch(long[] keys, int off, int len, FloatBuffer out) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    if ((long) len * dim > out.remaining()) {
      throw new BufferOverflowException();
    }
  }

  /** Checks {@code values[valOff..valOff+dim)} holds one row of weights (compare-and-set). */
  protected final void checkRow(float[] values, int valOff) {
    StoreArgs.checkRows("values", values, valOff, 1, dim);
  }

  /** Checks the store is open and the cursor and batch size of a scan. */
  protected final void checkScan(long cursor, int maxRows) {
    open();
    StoreArgs.checkCursor(cursor);
    StoreArgs.checkMaxRows(maxRows);
  }

  /** Checks a record to load: {@code record[off..off+width)} exists and the version is legal. */
  protected final void checkLoad(long version, float[] record, int off) {
    StoreArgs.checkRecord(record, off, width);
    StoreArgs.checkVersion(version);
  }

  /** {@code name{<rows>, dim=.., width=.., updater=.., init=..<extra>}}, for toString. */
  protected final String describe(String name, String rows, String extra) {
    return name + "{" + rows + ", dim=" + dim + ", width=" + width + ", updater=" + updater
        + ", init=" + init.spec() + extra + "}";
  }
}
