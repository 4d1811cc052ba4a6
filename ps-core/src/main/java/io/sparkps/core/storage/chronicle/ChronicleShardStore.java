package io.sparkps.core.storage.chronicle;

import io.sparkps.core.storage.AbstractShardStore;
import io.sparkps.core.storage.Initializer;
import io.sparkps.core.storage.KeyOutOfRangeException;
import io.sparkps.core.storage.RecordSink;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.StorageOptions;
import io.sparkps.core.storage.StoreArgs;
import io.sparkps.core.update.Updater;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The rows of one shard in a Chronicle Map outside the Java heap: {@code long} key to one
 * fixed-size value per row, {@code [version: int64][dim weights][updater state]} (floats, native
 * byte order). Either purely off-heap ({@code file == null}: native memory, gone on close) or
 * memory-mapped to one file per shard ({@link ShardFiles}), which a later store reopens with
 * every row, its optimizer state and its version. Built by the store factory for {@code OFFHEAP}
 * and {@code PERSISTED} tables; same semantics as the heap stores for every operation and
 * updater, so the tier changes cost and capacity, never results.
 *
 * <p>Rows are copied in and out through one reusable scratch row ({@link ShardRows}). Absent rows
 * are never inserted by reads. A dense store keeps untouched rows absent too (an absent row reads exactly like a fresh dense row), so
 * {@code clear()} and creation cost nothing per row. {@link #scanRecords} and {@link #load} move
 * a row's value as stored, version and all {@link #rowWidth()} floats, bit for bit.
 *
 * <p>Capacity: a sparse store starts at {@code expectedEntries} rows and doubles when a new row
 * would not fit ({@link ShardMap#grow}); a dense store is sized for its range once.
 *
 * <p>NOT thread-safe: one thread at a time (see {@link ShardStore}).
 */
public final class ChronicleShardStore extends AbstractShardStore {

  private final String table;
  private final boolean dense;
  private final long start;
  private final long end;
  private final ShardMap shard;
  private final ShardRows rows;
  private final SegmentScan segmentScan = new SegmentScan();

  /**
   * A store for one shard. Dense: rows {@code [start, end)}; sparse: any key, {@code start} and
   * {@code end} ignored, sized for {@code expectedEntries} rows before it first grows.
   * {@code file == null} keeps rows in native memory only; otherwise they live in {@code file},
   * which is reopened if it exists. {@code table} names the table in the persisted layout.
   */
  public ChronicleShardStore(String table, boolean dense, long start, long end, int dim, Updater updater,
      Initializer init, long expectedEntries, Path file) {
    super(dim, updater, init);
    this.table = Objects.requireNonNull(table, "table");
    this.dense = dense;
    long initialCapacity;
    if (dense) {
      StoreArgs.checkShardRange(start, end);
      this.start = start;
      this.end = end;
      initialCapacity = Math.max(1, end - start);
    } else {
      if (expectedEntries < 1 || expectedEntries > StorageOptions.MAX_EXPECTED_ENTRIES) {
        throw new IllegalArgumentException("expected entries out of range: expectedEntries="
            + expectedEntries + " ([1, " + StorageOptions.MAX_EXPECTED_ENTRIES + "])");
      }
      this.start = 0;
      this.end = 0;
      initialCapacity = expectedEntries;
    }
    RowMaps maps = new RowMaps(table, width);
    if (file == null) {
      this.shard = ShardMap.offHeap(maps, initialCapacity);
    } else {
      LayoutFile meta = new LayoutFile(file, table, dense, this.start, this.end, dim, width, updater, init);
      this.shard = ShardMap.persisted(maps, initialCapacity, new ShardFiles(file, meta));
    }
    this.rows = new ShardRows(shard, dense, dim, width, updater, init);
  }

  @Override
  public long size() {
    open();
    return dense ? end - start : rows.size();
  }

  @Override
  public void pull(long[] keys, int off, int len, float[] out, int outOff) {
    checkChronicleBatch(keys, off, len, "out", out, outOff);
    for (int i = 0; i < len; i++) {
      rows.readWeights(keys[off + i], out, outOff + i * dim);
    }
  }

  @Override
  public void pullRange(long from, long to, float[] out, int outOff) {
    open();
    if (!dense) {
      throw new UnsupportedOperationException("pull(range) needs a dense table");
    }
    StoreArgs.checkRange(from, to, start, end);
    StoreArgs.checkRows("out", out, outOff, to - from, dim);
    for (long k = from; k < to; k++) {
      rows.readWeights(k, out, outOff + (int) (k - from) * dim);
    }
  }

  @Override
  public void push(long[] keys, int off, int len, float[] deltas, int deltaOff) {
    checkChronicleBatch(keys, off, len, "deltas", deltas, deltaOff);
    for (int i = 0; i < len; i++) {
      rows.write(keys[off + i], true, deltas, deltaOff + i * dim, ShardRows.NO_EXPECTATION);
    }
  }

  @Override
  public void assign(long[] keys, int off, int len, float[] values, int valOff) {
    checkChronicleBatch(keys, off, len, "values", values, valOff);
    for (int i = 0; i < len; i++) {
      rows.write(keys[off + i], false, values, valOff + i * dim, ShardRows.NO_EXPECTATION);
    }
  }

  @Override
  public boolean contains(long key) {
    open();
    if (dense) {
      row(key);
      return true;
    }
    return rows.contains(key);
  }

  @Override
  public int remove(long[] keys, int off, int len) {
    open();
    if (dense) {
      throw new UnsupportedOperationException("remove needs a sparse table; use assign or clear on dense tables");
    }
    StoreArgs.checkKeys(keys, off, len);
    int removed = 0;
    for (int i = 0; i < len; i++) {
      if (rows.remove(keys[off + i])) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public long version(long key) {
    open();
    if (dense) {
      row(key);
    }
    return rows.version(key);
  }

  @Override
  public long compareAndSet(long key, long expectedVersion, float[] values, int valOff) {
    open();
    if (dense) {
      row(key);
    }
    checkRow(values, valOff);
    return rows.write(key, false, values, valOff, expectedVersion);
  }

  @Override
  public void clear() {
    open();
    rows.cleared();
    segmentScan.reset();
    try {
      shard.clear();
    } catch (UncheckedIOException e) {
      markClosed();  // the persisted shard is unlocked and has no map
      throw e;
    }
  }

  /**
   * Weakly-consistent scan; the cursor semantics differ by kind.
   *
   * <p>Dense: the cursor is a row index relative to {@code start}; every row of the range is
   * visited exactly once, in row order, whatever happens meanwhile.
   *
   * <p>Sparse: the cursor is {@code (segment << 32) | position}. Chronicle Map hashes keys into
   * segments; a call visits whole segments while they fit in {@code maxRows} (each under its
   * segment lock, so exactly the rows present at that moment), and stops before a segment that
   * does not fit. A segment larger than a whole batch is split: its keys are snapshot in sorted
   * order and {@code position} indexes that snapshot, which the store keeps for the next call;
   * rows removed meanwhile are skipped, rows added meanwhile are not seen. So, as for the heap
   * store, every row that exists for the whole scan is visited exactly once and rows added or
   * removed during the scan may or may not be, as long as the store does not grow (or clear)
   * meanwhile and this scan's calls are not interleaved with another scan's calls that split a
   * segment (the store keeps one snapshot; without it the segment's keys are snapshot again and
   * skipping {@code position} of them is exact only if the segment did not change).
   *
   * <p>The sink runs while a segment lock is held: it must copy the row and return, never call
   * back into the store. {@code src} is the store's scratch row, overwritten for the next row. A
   * dense row never written is reported as it reads: the initializer's weights, fresh updater
   * state, version 0. {@link #scan} runs this, with the same cursors and guarantees.
   */
  @Override
  public long scanRecords(long cursor, int maxRows, RecordSink sink) {
    checkScan(cursor, maxRows);
    return dense ? scanDense(cursor, maxRows, sink)
        : segmentScan.scan(shard.map(), shard.generation(), cursor, maxRows, rows.scratch(), sink);
  }

  private long scanDense(long cursor, int maxRows, RecordSink sink) {
    long n = end - start;
    if (cursor >= n) {
      return -1;
    }
    long stop = Math.min(n, cursor + maxRows);
    for (long r = cursor; r < stop; r++) {
      long key = start + r;
      RowBuffer b = rows.readOrFresh(key);
      sink.record(key, b.version, b.row, 0);
    }
    return stop == n ? -1 : stop;
  }

  /**
   * Writes the record and version as the row's value under one map lookup, replacing it in place
   * or inserting it (a sparse store grows first if needed, as for a write). A dense row is
   * inserted even when the record equals a fresh row: it then reads the same either way.
   */
  @Override
  public void load(long key, long version, float[] record, int off) {
    open();
    if (dense) {
      row(key);
    }
    checkLoad(version, record, off);
    rows.load(key, version, record, off);
  }

  /** Closes the map, keeping a persisted shard's files for the next store. Idempotent. */
  @Override
  public void close() {
    if (!markClosed()) {
      return;
    }
    segmentScan.reset();
    shard.close();
  }

  /** Closes the store and deletes a persisted shard's files: the table is gone. */
  @Override
  public void destroy() {
    close();
    shard.destroy();
  }

  /** Row index check for dense stores: a key outside the store is a {@link KeyOutOfRangeException}. */
  private void row(long key) {
    StoreArgs.checkKey(key, start, end);
  }

  /** Checks lengths and, for dense stores, every key up front, so a bad batch changes nothing. */
  private void checkChronicleBatch(long[] keys, int off, int len, String what, float[] values, int valOff) {
    checkBatch(keys, off, len, what, values, valOff);
    if (dense) {
      StoreArgs.checkKeys(keys, off, len, start, end);
    }
  }

  /** Rows the current map was sized for: what growth and clear are checked by. */
  public long capacity() {
    return shard.capacity();
  }

  /** Chronicle segments of the current map, for scan tests. */
  int segments() {
    return shard.map().segments();
  }

  /** Native memory (or file bytes) the current map uses, for measurements. */
  long offHeapBytes() {
    return shard.map().offHeapMemoryUsed();
  }

  /** The shard's file, or null when purely off-heap. */
  public Path file() {
    return shard.file();
  }

  @Override
  public String toString() {
    return describe("ChronicleShardStore", "table=" + table + (dense ? ", rows=[" + start + ", " + end + ")"
        : ", rows=" + rows.size() + ", capacity=" + shard.capacity()), ", file=" + file());
  }
}
