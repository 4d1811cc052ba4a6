package io.sparkps.core.storage;

import io.sparkps.core.update.Updater;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The rows of a sparse table that hash to one shard, on heap, for any {@code long} key.
 *
 * <p>Two parts. The index ({@link SlotIndex}) is a primitive open-addressing table, key to row
 * slot, in which every key value is legal. The rows live here, in fixed-size pages of row slots
 * that never move: growing adds pages and rehashes only the index, and a shard may hold more
 * than 2^31 floats. Removed slots go on a free list and are reused. Batch loops read the index
 * through a local, so a key costs the same loads as one table holding both.
 *
 * <p>NOT thread-safe: one thread at a time (see {@link ShardStore}).
 */
public final class SparseShardStore extends AbstractShardStore {

  /** Target page size in floats (4 MiB): large enough to amortise, small enough to allocate anywhere. */
  private static final int PAGE_FLOATS = 1 << 20;
  private static final int MAX_PAGE_ROWS = 1 << 14;
  /** Version of a slot on the free list; live rows have version >= 0. */
  private static final long FREE = -1;

  /** Keys per chunk of a batch pull or push: slots are resolved a chunk at a time into {@link #scratch}. */
  private static final int CHUNK = 256;

  private final SlotIndex index;
  /** The slots of one chunk; confined to the store's one thread like everything else here. */
  private final int[] scratch = new int[CHUNK];
  private final int pageShift;
  private final int pageMask;

  // Rows: slot s lives in page s >>> pageShift at row s & pageMask.
  private float[][] pages;
  private long[][] versionPages;
  private long[][] keyPages;
  private int highWater;
  private int[] free;
  private int freeCount;

  public SparseShardStore(int dim, Updater updater, Initializer init) {
    this(dim, updater, init, 0);
  }

  /** A store sized to hold {@code expectedRows} rows before its index first grows. */
  public SparseShardStore(int dim, Updater updater, Initializer init, int expectedRows) {
    super(dim, updater, init);
    this.index = new SlotIndex(expectedRows);
    int pageRows = Integer.highestOneBit(Math.max(1, Math.min(MAX_PAGE_ROWS, PAGE_FLOATS / width)));
    this.pageShift = Integer.numberOfTrailingZeros(pageRows);
    this.pageMask = pageRows - 1;
    resetRows();
  }

  private void resetRows() {
    pages = new float[0][];
    versionPages = new long[0][];
    keyPages = new long[0][];
    highWater = 0;
    free = new int[0];
    freeCount = 0;
  }

  @Override
  public long size() {
    open();
    return index.size();
  }

  /**
   * Pull and push resolve a chunk's slots first, then copy or update its rows: the index lookups
   * of a chunk are independent of each other, so the CPU overlaps their cache misses instead of
   * waiting for each between two row copies. The chunk keeps the scratch small (in L1).
   */
  @Override
  public void pull(long[] keys, int off, int len, float[] out, int outOff) {
    checkBatch(keys, off, len, "out", out, outOff);
    int[] slots = scratch;
    for (int start = 0; start < len; start += CHUNK) {
      int n = Math.min(CHUNK, len - start);
      resolve(keys, off + start, n);
      for (int i = 0; i < n; i++) {
        int slot = slots[i];
        int dst = outOff + (start + i) * dim;
        if (slot < 0) {
          init.fill(keys[off + start + i], out, dst, dim);
        } else {
          System.arraycopy(pages[slot >>> pageShift], (slot & pageMask) * width, out, dst, dim);
        }
      }
    }
  }

  @Override
  public void pull(long[] keys, int off, int len, FloatBuffer out) {
    checkBatch(keys, off, len, out);
    int[] slots = scratch;
    float[] absent = null;
    for (int start = 0; start < len; start += CHUNK) {
      int n = Math.min(CHUNK, len - start);
      resolve(keys, off + start, n);
      for (int i = 0; i < n; i++) {
        int slot = slots[i];
        if (slot < 0) {
          if (absent == null) {
            absent = new float[dim];
          }
          init.fill(keys[off + start + i], absent, 0, dim);
          out.put(absent, 0, dim);
        } else {
          out.put(pages[slot >>> pageShift], (slot & pageMask) * width, dim);
        }
      }
    }
  }

  @Override
  public void pullRange(long start, long end, FloatBuffer out) {
    open();
    throw new UnsupportedOperationException("pull(range) needs a dense table");
  }

  @Override
  public void pullRange(long start, long end, float[] out, int outOff) {
    open();
    throw new UnsupportedOperationException("pull(range) needs a dense table");
  }

  @Override
  public void push(long[] keys, int off, int len, float[] deltas, int deltaOff) {
    checkBatch(keys, off, len, "deltas", deltas, deltaOff);
    SlotIndex idx = index;
    int[] slots = scratch;
    for (int start = 0; start < len; start += CHUNK) {
      int n = Math.min(CHUNK, len - start);
      for (int i = 0; i < n; i++) {
        slots[i] = materialise(idx, keys[off + start + i], true);  // rows never move: slots stay valid
      }
      for (int i = 0; i < n; i++) {
        int slot = slots[i];
        updater.apply(pages[slot >>> pageShift], (slot & pageMask) * width, dim, deltas,
            deltaOff + (start + i) * dim);
        versionPages[slot >>> pageShift][slot & pageMask]++;
      }
    }
  }

  @Override
  public void assign(long[] keys, int off, int len, float[] values, int valOff) {
    checkBatch(keys, off, len, "values", values, valOff);
    SlotIndex idx = index;
    for (int i = 0; i < len; i++) {
      int slot = materialise(idx, keys[off + i], true);
      System.arraycopy(values, valOff + i * dim, pages[slot >>> pageShift], (slot & pageMask) * width, dim);
      versionPages[slot >>> pageShift][slot & pageMask]++;
    }
  }

  @Override
  public boolean contains(long key) {
    open();
    return index.get(key) >= 0;
  }

  @Override
  public int remove(long[] keys, int off, int len) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    int removed = 0;
    for (int i = 0; i < len; i++) {
      int slot = index.remove(keys[off + i]);
      if (slot >= 0) {
        freeRow(slot);
        removed++;
      }
    }
    return removed;
  }

  @Override
  public long version(long key) {
    open();
    int slot = index.get(key);
    return slot < 0 ? 0 : versionPages[slot >>> pageShift][slot & pageMask];
  }

  @Override
  public long compareAndSet(long key, long expectedVersion, float[] values, int valOff) {
    open();
    checkRow(values, valOff);
    if (version(key) != expectedVersion) {
      return -1;
    }
    int slot = materialise(index, key, true);
    System.arraycopy(values, valOff, pages[slot >>> pageShift], (slot & pageMask) * width, dim);
    return ++versionPages[slot >>> pageShift][slot & pageMask];
  }

  @Override
  public void clear() {
    open();
    index.clear();
    resetRows();
  }

  /** The cursor is a row slot; rows never move, so index growth does not disturb a scan. */
  @Override
  public long scanRecords(long cursor, int maxRows, RecordSink sink) {
    checkScan(cursor, maxRows);
    int emitted = 0;
    for (long s = cursor; s < highWater; s++) {
      int slot = (int) s;
      int p = slot >>> pageShift;
      int r = slot & pageMask;
      long version = versionPages[p][r];
      if (version != FREE) {
        sink.record(keyPages[p][r], version, pages[p], r * width);
        if (++emitted == maxRows) {
          return s + 1 < highWater ? s + 1 : -1;
        }
      }
    }
    return -1;
  }

  @Override
  public void load(long key, long version, float[] record, int off) {
    open();
    checkLoad(version, record, off);
    int slot = materialise(index, key, false);  // the record overwrites all of it: no initializer needed
    int p = slot >>> pageShift;
    System.arraycopy(record, off, pages[p], (slot & pageMask) * width, width);
    versionPages[p][slot & pageMask] = version;
  }

  @Override
  public void close() {
    markClosed();
    index.release();
    pages = null;
    versionPages = null;
    keyPages = null;
    free = null;
  }

  /**
   * The row slot of {@code key}, creating the row if absent: with {@code fill}, as a fresh row
   * (initializer + fresh updater state); without, with its floats left as they are (the caller
   * overwrites the whole record). A created row has version 0.
   */
  private int materialise(SlotIndex idx, long key, boolean fill) {
    int found = idx.getOrReserve(key);
    if (found >= 0) {
      return found;
    }
    int slot = allocateRow(key, fill);
    idx.insert(found, key, slot);
    return slot;
  }

  private int allocateRow(long key, boolean fill) {
    int slot;
    if (freeCount > 0) {
      slot = free[--freeCount];
    } else {
      if (highWater == Integer.MAX_VALUE) {
        throw new IllegalStateException("sparse shard full: rows=" + index.size() + " (< "
            + Integer.MAX_VALUE + "); use more servers");
      }
      slot = highWater++;
      if (slot >>> pageShift == pages.length) {
        addPage();
      }
    }
    int p = slot >>> pageShift;
    int r = slot & pageMask;
    if (fill) {
      float[] page = pages[p];
      int off = r * width;
      init.fill(key, page, off, dim);
      Arrays.fill(page, off + dim, off + width, 0f);  // a reused slot still holds its old state
      updater.initState(page, off, dim);
    }
    versionPages[p][r] = 0;
    keyPages[p][r] = key;
    return slot;
  }

  private void freeRow(int slot) {
    versionPages[slot >>> pageShift][slot & pageMask] = FREE;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, Math.max(16, free.length * 2));
    }
    free[freeCount++] = slot;
  }

  private void addPage() {
    int n = pages.length;
    int rows = pageMask + 1;
    pages = Arrays.copyOf(pages, n + 1);  // copies references only; row data never moves
    versionPages = Arrays.copyOf(versionPages, n + 1);
    keyPages = Arrays.copyOf(keyPages, n + 1);
    pages[n] = new float[rows * width];
    versionPages[n] = new long[rows];
    keyPages[n] = new long[rows];
  }

  /** Index buckets, for tests of growth. */
  int capacity() {
    return index.capacity();
  }

  /** Row pages allocated, for tests of growth. */
  int pageCount() {
    return pages.length;
  }

  /** Rows per page, for tests that cross page boundaries. */
  int pageRows() {
    return pageMask + 1;
  }

  @Override
  public String toString() {
    return describe("SparseShardStore", "rows=" + index.size(), "");
  }

  /** Slots of {@code keys[from, from + n)} into {@link #scratch} (negative where absent), n <= {@link #CHUNK}. */
  private void resolve(long[] keys, int from, int n) {
    SlotIndex idx = index;
    int[] slots = scratch;
    for (int i = 0; i < n; i++) {
      slots[i] = idx.get(keys[from + i]);
    }
  }
}
