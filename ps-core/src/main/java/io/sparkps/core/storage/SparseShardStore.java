package io.sparkps.core.storage;

import io.sparkps.core.partition.Hashing;
import io.sparkps.core.update.Updater;
import java.util.Arrays;
import java.util.Objects;

/**
 * The rows of a sparse table that hash to one shard, on heap, for any {@code long} key.
 *
 * <p>Two parts. The index is a primitive open-addressing table, key to row slot, with linear
 * probing, a power-of-two capacity, a 0.6 load factor and backward-shift deletion (no
 * tombstones); a bucket is empty when its slot entry is 0 (slots are stored plus one), so every
 * key value, 0 and {@code Long.MIN_VALUE} included, is a legal key. The rows live in fixed-size
 * pages of row slots that never move: growing adds pages and rehashes only the index, and a
 * shard may hold more than 2^31 floats. Removed slots go on a free list and are reused.
 *
 * <p>NOT thread-safe: one thread at a time (see {@link ShardStore}).
 */
public final class SparseShardStore implements ShardStore {

  /** Index capacity is a power of two up to this; more rows need more servers. */
  private static final int MAX_CAPACITY = 1 << 30;
  private static final int MIN_CAPACITY = 16;
  private static final double LOAD_FACTOR = 0.6;
  /** Target page size in floats (4 MiB): large enough to amortise, small enough to allocate anywhere. */
  private static final int PAGE_FLOATS = 1 << 20;
  private static final int MAX_PAGE_ROWS = 1 << 14;
  /** Version of a slot on the free list; live rows have version >= 0. */
  private static final long FREE = -1;
  /**
   * The ring places keys by {@code mix64(key)}, so within one shard those hashes are clustered;
   * salting gives the index hash bits unrelated to the placement.
   */
  private static final long INDEX_SALT = 0x2545F4914F6CDD1DL;

  private final int dim;
  private final int width;
  private final Updater updater;
  private final Initializer init;
  private final int initialCapacity;
  private final int pageShift;
  private final int pageMask;

  // Index: bucket -> (key, row slot + 1); slotPlusOne == 0 marks an empty bucket.
  private long[] bucketKeys;
  private int[] slotPlusOne;
  private int mask;
  private int size;
  private int resizeAt;

  // Rows: slot s lives in page s >>> pageShift at row s & pageMask.
  private float[][] pages;
  private long[][] versionPages;
  private long[][] keyPages;
  private int highWater;
  private int[] free;
  private int freeCount;
  private boolean closed;

  public SparseShardStore(int dim, Updater updater, Initializer init) {
    this(dim, updater, init, 0);
  }

  /** A store sized to hold {@code expectedRows} rows before its index first grows. */
  public SparseShardStore(int dim, Updater updater, Initializer init, int expectedRows) {
    this.updater = Objects.requireNonNull(updater, "updater");
    this.init = Objects.requireNonNull(init, "init");
    this.width = StoreArgs.rowWidth(dim, updater);
    this.dim = dim;
    long maxRows = (long) (MAX_CAPACITY * LOAD_FACTOR);
    if (expectedRows < 0 || expectedRows > maxRows) {
      throw new IllegalArgumentException("sparse shard capacity out of range: expectedRows="
          + expectedRows + " ([0, " + maxRows + "])");
    }
    this.initialCapacity = capacityFor(expectedRows);
    int pageRows = Integer.highestOneBit(Math.max(1, Math.min(MAX_PAGE_ROWS, PAGE_FLOATS / width)));
    this.pageShift = Integer.numberOfTrailingZeros(pageRows);
    this.pageMask = pageRows - 1;
    reset();
  }

  private static int capacityFor(int rows) {
    long need = (long) Math.ceil(rows / LOAD_FACTOR) + 1;
    int cap = MIN_CAPACITY;
    while (cap < need && cap < MAX_CAPACITY) {
      cap <<= 1;
    }
    return cap;
  }

  private void reset() {
    bucketKeys = new long[initialCapacity];
    slotPlusOne = new int[initialCapacity];
    mask = initialCapacity - 1;
    resizeAt = (int) (initialCapacity * LOAD_FACTOR);
    size = 0;
    pages = new float[0][];
    versionPages = new long[0][];
    keyPages = new long[0][];
    highWater = 0;
    free = new int[0];
    freeCount = 0;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int rowWidth() {
    return width;
  }

  @Override
  public long size() {
    open();
    return size;
  }

  @Override
  public void pull(long[] keys, int off, int len, float[] out, int outOff) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    StoreArgs.checkRows("out", out, outOff, len, dim);
    for (int i = 0; i < len; i++) {
      long key = keys[off + i];
      int slot = slotOf(key);
      int dst = outOff + i * dim;
      if (slot < 0) {
        init.fill(key, out, dst, dim);
      } else {
        System.arraycopy(pages[slot >>> pageShift], (slot & pageMask) * width, out, dst, dim);
      }
    }
  }

  @Override
  public void pullRange(long start, long end, float[] out, int outOff) {
    open();
    throw new UnsupportedOperationException("pull(range) needs a dense table");
  }

  @Override
  public void push(long[] keys, int off, int len, float[] deltas, int deltaOff) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    StoreArgs.checkRows("deltas", deltas, deltaOff, len, dim);
    for (int i = 0; i < len; i++) {
      int slot = materialise(keys[off + i]);
      updater.apply(pages[slot >>> pageShift], (slot & pageMask) * width, dim, deltas, deltaOff + i * dim);
      versionPages[slot >>> pageShift][slot & pageMask]++;
    }
  }

  @Override
  public void assign(long[] keys, int off, int len, float[] values, int valOff) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    StoreArgs.checkRows("values", values, valOff, len, dim);
    for (int i = 0; i < len; i++) {
      int slot = materialise(keys[off + i]);
      System.arraycopy(values, valOff + i * dim, pages[slot >>> pageShift], (slot & pageMask) * width, dim);
      versionPages[slot >>> pageShift][slot & pageMask]++;
    }
  }

  @Override
  public boolean contains(long key) {
    open();
    return slotOf(key) >= 0;
  }

  @Override
  public int remove(long[] keys, int off, int len) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    int removed = 0;
    for (int i = 0; i < len; i++) {
      if (removeKey(keys[off + i])) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public long version(long key) {
    open();
    int slot = slotOf(key);
    return slot < 0 ? 0 : versionPages[slot >>> pageShift][slot & pageMask];
  }

  @Override
  public long compareAndSet(long key, long expectedVersion, float[] values, int valOff) {
    open();
    StoreArgs.checkRows("values", values, valOff, 1, dim);
    if (version(key) != expectedVersion) {
      return -1;
    }
    int slot = materialise(key);
    System.arraycopy(values, valOff, pages[slot >>> pageShift], (slot & pageMask) * width, dim);
    return ++versionPages[slot >>> pageShift][slot & pageMask];
  }

  @Override
  public void clear() {
    open();
    reset();
  }

  @Override
  public long scan(long cursor, int maxRows, RowSink sink) {
    // One capturing lambda per call, not per row: the weights lead each record.
    return scanRecords(cursor, maxRows, (key, version, src, off) -> sink.row(key, src, off));
  }

  /** The cursor is a row slot; rows never move, so index growth does not disturb a scan. */
  @Override
  public long scanRecords(long cursor, int maxRows, RecordSink sink) {
    open();
    StoreArgs.checkCursor(cursor);
    StoreArgs.checkMaxRows(maxRows);
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
    StoreArgs.checkRecord(record, off, width);
    StoreArgs.checkVersion(version);
    int slot = materialise(key, false);  // the record overwrites all of it: no initializer needed
    int p = slot >>> pageShift;
    System.arraycopy(record, off, pages[p], (slot & pageMask) * width, width);
    versionPages[p][slot & pageMask] = version;
  }

  @Override
  public void close() {
    closed = true;
    bucketKeys = null;
    slotPlusOne = null;
    pages = null;
    versionPages = null;
    keyPages = null;
    free = null;
  }

  private void open() {
    if (closed) {
      throw StoreArgs.closed();
    }
  }

  private int home(long key) {
    return (int) Hashing.mix64(key ^ INDEX_SALT) & mask;
  }

  /** The row slot of {@code key}, or -1 when absent. */
  private int slotOf(long key) {
    for (int b = home(key); ; b = (b + 1) & mask) {
      int s = slotPlusOne[b];
      if (s == 0) {
        return -1;
      }
      if (bucketKeys[b] == key) {
        return s - 1;
      }
    }
  }

  /** The row slot of {@code key}, creating the row (initializer + fresh state, version 0) if absent. */
  private int materialise(long key) {
    return materialise(key, true);
  }

  /**
   * The row slot of {@code key}, creating the row if absent: with {@code fill}, as a fresh row;
   * without, with its floats left as they are (the caller overwrites the whole record) and
   * version 0.
   */
  private int materialise(long key, boolean fill) {
    int b = home(key);
    for (; slotPlusOne[b] != 0; b = (b + 1) & mask) {
      if (bucketKeys[b] == key) {
        return slotPlusOne[b] - 1;
      }
    }
    if (size >= resizeAt) {
      growIndex();
      b = home(key);
      while (slotPlusOne[b] != 0) {
        b = (b + 1) & mask;
      }
    }
    int slot = allocateRow(key, fill);
    bucketKeys[b] = key;
    slotPlusOne[b] = slot + 1;
    size++;
    return slot;
  }

  private int allocateRow(long key, boolean fill) {
    int slot;
    if (freeCount > 0) {
      slot = free[--freeCount];
    } else {
      if (highWater == Integer.MAX_VALUE) {
        throw new IllegalStateException("sparse shard full: rows=" + size + " (< " + Integer.MAX_VALUE
            + "); use more servers");
      }
      slot = highWater++;
      int p = slot >>> pageShift;
      if (p == pages.length) {
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

  private void growIndex() {
    int capacity = slotPlusOne.length;
    if (capacity >= MAX_CAPACITY) {
      throw new IllegalStateException("sparse shard full: rows=" + size + " (<= " + resizeAt
          + "); use more servers");
    }
    long[] oldKeys = bucketKeys;
    int[] oldSlots = slotPlusOne;
    int newCapacity = capacity << 1;
    bucketKeys = new long[newCapacity];
    slotPlusOne = new int[newCapacity];
    mask = newCapacity - 1;
    resizeAt = (int) (newCapacity * LOAD_FACTOR);
    for (int i = 0; i < capacity; i++) {
      if (oldSlots[i] != 0) {
        int b = home(oldKeys[i]);
        while (slotPlusOne[b] != 0) {
          b = (b + 1) & mask;
        }
        bucketKeys[b] = oldKeys[i];
        slotPlusOne[b] = oldSlots[i];
      }
    }
  }

  private boolean removeKey(long key) {
    int b = home(key);
    for (; ; b = (b + 1) & mask) {
      if (slotPlusOne[b] == 0) {
        return false;
      }
      if (bucketKeys[b] == key) {
        break;
      }
    }
    int slot = slotPlusOne[b] - 1;
    versionPages[slot >>> pageShift][slot & pageMask] = FREE;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, Math.max(16, free.length * 2));
    }
    free[freeCount++] = slot;
    deleteBucket(b);
    size--;
    return true;
  }

  /**
   * Backward-shift deletion: walks the probe run after the hole and moves back every entry whose
   * home is not cyclically within (hole, entry], so lookups never need tombstones.
   */
  private void deleteBucket(int hole) {
    for (int j = (hole + 1) & mask; slotPlusOne[j] != 0; j = (j + 1) & mask) {
      int h = home(bucketKeys[j]);
      boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!stays) {
        bucketKeys[hole] = bucketKeys[j];
        slotPlusOne[hole] = slotPlusOne[j];
        hole = j;
      }
    }
    slotPlusOne[hole] = 0;
  }

  /** Index buckets, for tests of growth. */
  int capacity() {
    return slotPlusOne.length;
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
    return "SparseShardStore{rows=" + size + ", dim=" + dim + ", width=" + width
        + ", updater=" + updater + ", init=" + init.spec() + "}";
  }
}
