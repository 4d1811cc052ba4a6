package io.sparkps.core.storage;

import io.sparkps.core.update.Updater;

/**
 * Argument checks shared by the shard stores, so every store rejects bad input with the same
 * messages before changing anything. Public only because the Chronicle store lives in its own
 * package ({@code storage.chronicle}); not meant for callers of the stores. Stateless and
 * thread-safe.
 */
public final class StoreArgs {

  /** Largest array the JVMs we run on will allocate. */
  public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private StoreArgs() {}

  /** Floats per row: dim weights plus the updater's state; rejects updaters with odd widths. */
  public static int rowWidth(int dim, Updater updater) {
    if (dim <= 0) {
      throw new IllegalArgumentException("row width out of range: dim=" + dim + " (> 0)");
    }
    int state = updater.stateWidth(dim);
    long width = (long) dim + state;
    if (state < 0 || width > MAX_ARRAY) {
      throw new IllegalArgumentException("updater state width out of range: updater=" + updater
          + ", dim=" + dim + ", stateWidth=" + state + " ([0, " + (MAX_ARRAY - dim) + "])");
    }
    return (int) width;
  }

  /** Checks {@code keys[off..off+len)} exists. */
  public static void checkKeys(long[] keys, int off, int len) {
    if (off < 0 || len < 0 || (long) off + len > keys.length) {
      throw new IllegalArgumentException("keys array too short: off=" + off + ", len=" + len
          + ", keys.length=" + keys.length + " (0 <= off, 0 <= len, off + len <= length)");
    }
  }

  /** Checks {@code array[off .. off + rows*dim)} exists; {@code what} names the array. */
  public static void checkRows(String what, float[] array, int off, long rows, int dim) {
    long need = rows * dim;
    if (off < 0 || (long) off + need > array.length) {
      throw new IllegalArgumentException(what + " array too short: off=" + off + ", floats="
          + need + " (" + rows + " rows x dim " + dim + "), " + what + ".length=" + array.length
          + " (off + floats <= length)");
    }
  }

  /** Checks {@code record[off .. off + width)} exists: one whole record (weights and state). */
  public static void checkRecord(float[] record, int off, int width) {
    if (off < 0 || (long) off + width > record.length) {
      throw new IllegalArgumentException("record array too short: off=" + off + ", floats=" + width
          + " (one record: dim weights + updater state), record.length=" + record.length
          + " (off + floats <= length)");
    }
  }

  /**
   * Versions count writes from 0, and a negative one could not have been recorded; the sparse
   * store also marks free row slots with -1, so a loaded -1 would silently drop the row.
   */
  public static void checkVersion(long version) {
    if (version < 0) {
      throw new IllegalArgumentException("version out of range: version=" + version + " (>= 0)");
    }
  }

  public static void checkMaxRows(int maxRows) {
    if (maxRows <= 0) {
      throw new IllegalArgumentException("scan batch size out of range: maxRows=" + maxRows + " (> 0)");
    }
  }

  /** Only negative cursors are wrong; one past the end (e.g. after a clear) just ends the scan. */
  public static void checkCursor(long cursor) {
    if (cursor < 0) {
      throw new IllegalArgumentException("scan cursor out of range: cursor=" + cursor
          + " (>= 0; start with 0, stop at -1)");
    }
  }

  /** Checks the row range {@code [start, end)} of a dense shard; an empty one is legal. */
  public static void checkShardRange(long start, long end) {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("dense shard range invalid: start=" + start + ", end="
          + end + " (0 <= start <= end)");
    }
  }

  /**
   * The local row index {@code key - start} of a key of the dense shard {@code [start, end)}; a
   * key outside it is a {@link KeyOutOfRangeException}.
   */
  public static long checkKey(long key, long start, long end) {
    if (key < start || key >= end) {
      throw new KeyOutOfRangeException(key, start, end);
    }
    return key - start;
  }

  /** {@link #checkKey} for every key of {@code keys[off..off+len)}, so a bad batch changes nothing. */
  public static void checkKeys(long[] keys, int off, int len, long start, long end) {
    for (int i = 0; i < len; i++) {
      checkKey(keys[off + i], start, end);
    }
  }

  /** Checks {@code [from, to)} is a range inside the dense shard {@code [start, end)}. */
  public static void checkRange(long from, long to, long start, long end) {
    if (from < start || to > end || from > to) {
      throw new KeyOutOfRangeException(from, to, start, end);
    }
  }

  public static IllegalStateException closed() {
    return new IllegalStateException("shard store is closed");
  }
}
