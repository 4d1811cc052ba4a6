package io.sparkps.core.storage;

import io.sparkps.core.update.Updater;
import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The rows {@code [start, end)} of a dense table in one on-heap float slab: row {@code k} is
 * {@code slab[(k - start) * width ..]}, dim weights then the updater's state, and its version is
 * {@code versions[k - start]}. Every row exists from construction on, so nothing is ever
 * materialised or removed. NOT thread-safe: one thread at a time (see {@link ShardStore}).
 */
public final class DenseShardStore extends AbstractShardStore {

  private final long start;
  private final long end;
  private final int rows;
  private float[] slab;
  private long[] versions;

  /**
   * A shard of rows {@code [start, end)}, each set to the initializer's values with fresh
   * optimizer state. An empty range is legal (more shards than rows).
   */
  public DenseShardStore(long start, long end, int dim, Updater updater, Initializer init) {
    super(dim, updater, init);
    StoreArgs.checkShardRange(start, end);
    long n = end - start;
    if (n > StoreArgs.MAX_ARRAY / width) {  // divide rather than multiply: n * width may overflow
      throw new IllegalArgumentException("dense shard too large for one array: rows=" + n
          + ", floatsPerRow=" + width + " (dim " + dim + " + updater state), floats="
          + java.math.BigInteger.valueOf(n).multiply(java.math.BigInteger.valueOf(width))
          + " (<= " + StoreArgs.MAX_ARRAY + "); use more servers so each shard holds fewer rows");
    }
    this.start = start;
    this.end = end;
    this.rows = (int) n;
    this.slab = new float[(int) (n * width)];
    this.versions = new long[rows];
    resetRows();
  }

  /**
   * Heap bytes a store of {@code rows} rows of {@code width} floats allocates (its slab and a
   * version per row), or Long.MAX_VALUE when that overflows: what a server checks before
   * creating one.
   */
  public static long heapBytes(long rows, int width) {
    try {
      return Math.multiplyExact(rows, Math.addExact(Math.multiplyExact(4L, width), 8L));
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private void resetRows() {
    for (int r = 0; r < rows; r++) {
      int off = r * width;
      init.fill(start + r, slab, off, dim);
      Arrays.fill(slab, off + dim, off + width, 0f);
      updater.initState(slab, off, dim);
    }
    Arrays.fill(versions, 0L);
  }

  /** First row index held. */
  public long start() {
    return start;
  }

  /** One past the last row index held. */
  public long end() {
    return end;
  }

  @Override
  public long size() {
    open();
    return rows;
  }

  @Override
  public void pull(long[] keys, int off, int len, float[] out, int outOff) {
    checkDenseBatch(keys, off, len, "out", out, outOff);
    float[] s = slab;
    for (int i = 0; i < len; i++) {
      System.arraycopy(s, row(keys[off + i]) * width, out, outOff + i * dim, dim);
    }
  }

  @Override
  public void pull(long[] keys, int off, int len, FloatBuffer out) {
    checkBatch(keys, off, len, out);
    StoreArgs.checkKeys(keys, off, len, start, end);
    float[] s = slab;
    for (int i = 0; i < len; i++) {
      out.put(s, row(keys[off + i]) * width, dim);
    }
  }

  @Override
  public void pullRange(long from, long to, FloatBuffer out) {
    open();
    StoreArgs.checkRange(from, to, start, end);
    int n = (int) (to - from);
    if ((long) n * dim > out.remaining()) {
      throw new BufferOverflowException();
    }
    float[] s = slab;
    int first = (int) (from - start);
    if (width == dim) {  // no optimizer state: the range is one contiguous block
      out.put(s, first * width, n * dim);
      return;
    }
    for (int i = 0; i < n; i++) {
      out.put(s, (first + i) * width, dim);
    }
  }

  @Override
  public void pullRange(long from, long to, float[] out, int outOff) {
    open();
    StoreArgs.checkRange(from, to, start, end);
    float[] s = slab;
    int n = (int) (to - from);
    StoreArgs.checkRows("out", out, outOff, n, dim);
    int first = (int) (from - start);
    if (width == dim) {  // no optimizer state: the range is one contiguous block
      System.arraycopy(s, first * width, out, outOff, n * dim);
      return;
    }
    for (int i = 0; i < n; i++) {
      System.arraycopy(s, (first + i) * width, out, outOff + i * dim, dim);
    }
  }

  @Override
  public void push(long[] keys, int off, int len, float[] deltas, int deltaOff) {
    checkDenseBatch(keys, off, len, "deltas", deltas, deltaOff);
    float[] s = slab;
    for (int i = 0; i < len; i++) {
      int r = row(keys[off + i]);
      updater.apply(s, r * width, dim, deltas, deltaOff + i * dim);
      versions[r]++;
    }
  }

  @Override
  public void assign(long[] keys, int off, int len, float[] values, int valOff) {
    checkDenseBatch(keys, off, len, "values", values, valOff);
    float[] s = slab;
    for (int i = 0; i < len; i++) {
      int r = row(keys[off + i]);
      System.arraycopy(values, valOff + i * dim, s, r * width, dim);
      versions[r]++;
    }
  }

  @Override
  public boolean contains(long key) {
    open();
    row(key);
    return true;
  }

  @Override
  public int remove(long[] keys, int off, int len) {
    open();
    throw new UnsupportedOperationException("remove needs a sparse table; use assign or clear on dense tables");
  }

  @Override
  public long version(long key) {
    open();
    return versions[row(key)];
  }

  @Override
  public long compareAndSet(long key, long expectedVersion, float[] values, int valOff) {
    open();
    int r = row(key);
    checkRow(values, valOff);
    if (versions[r] != expectedVersion) {
      return -1;
    }
    System.arraycopy(values, valOff, slab, r * width, dim);
    return ++versions[r];
  }

  @Override
  public void clear() {
    open();
    resetRows();
  }

  /** The cursor is a local row index; every row of the range is visited, in row order. */
  @Override
  public long scanRecords(long cursor, int maxRows, RecordSink sink) {
    checkScan(cursor, maxRows);
    float[] s = slab;
    if (cursor >= rows) {
      return -1;
    }
    int r = (int) cursor;
    int stop = (int) Math.min(rows, cursor + maxRows);
    for (; r < stop; r++) {
      sink.record(start + r, versions[r], s, r * width);
    }
    return r == rows ? -1 : r;
  }

  @Override
  public void load(long key, long version, float[] record, int off) {
    open();
    int r = row(key);
    checkLoad(version, record, off);
    System.arraycopy(record, off, slab, r * width, width);
    versions[r] = version;
  }

  @Override
  public void close() {
    markClosed();
    slab = null;
    versions = null;
  }

  /** Local row index of {@code key}; a key outside the store is a {@link KeyOutOfRangeException}. */
  private int row(long key) {
    return (int) StoreArgs.checkKey(key, start, end);
  }

  /** Checks lengths and every key up front, so a bad batch changes nothing. */
  private void checkDenseBatch(long[] keys, int off, int len, String what, float[] values, int valOff) {
    checkBatch(keys, off, len, what, values, valOff);
    StoreArgs.checkKeys(keys, off, len, start, end);
  }

  @Override
  public String toString() {
    return describe("DenseShardStore", "rows=[" + start + ", " + end + ")", "");
  }
}
