package io.sparkps.core.storage;

import io.sparkps.core.config.FeatureLifecycle;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.update.Updater;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The rows of a sparse table that hash to one shard, on heap, for any {@code long} key.
 *
 * <p>Two parts. The index ({@link SlotIndex}) is a primitive open-addressing table, key to row
 * slot, in which every key value is legal. The rows live here, in fixed-size pages of row slots
 * that never move: growing adds pages and rehashes only the index, and a shard may hold more
 * than 2^31 floats. Removed slots go on a free list and are reused. Batch loops read the index
 * through a local, so a key costs the same loads as one table holding both.
 *
 * <p>Feature lifecycle ({@link FeatureLifecycle}, docs/features.md). With expiry, every slot has a
 * write stamp in a parallel {@code long} page ({@link ExpiryClock}): a stale row reads as absent
 * at once (pull, contains, version, scans and so checkpoints skip it; a write recreates it fresh)
 * and its slot is reclaimed by a bounded sweep from a cursor that wraps around: each key a push or
 * assign writes earns {@link #SWEEP_PER_KEY} slots of sweeping, and once a shard has earned
 * {@link #SWEEP_MIN} (or all its slots, when it has fewer) the write that earned them sweeps, at
 * most {@link #SWEEP_MAX} slots. The sweep outpaces the rows writes can create, single-key writes
 * pay a few slots each on average, and no call ever walks all rows.
 * Until the sweep reaches a stale row, {@link #size()} still counts it. With admission, a push
 * to a key without a row is counted in an {@link AdmissionSketch} and dropped until the key's
 * count reaches {@code admitAfter}; that push then creates the row and is applied. Assign,
 * compare-and-set and load always create rows.
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
  /** Slots of sweeping each written key earns (see the class doc). */
  static final int SWEEP_PER_KEY = 4;
  /** Slots earned before a write sweeps (fewer when the shard has fewer slots). */
  static final int SWEEP_MIN = 1024;
  /** Most slots one write sweeps. */
  static final int SWEEP_MAX = 4096;
  /** Rows at most this wide are gathered before going into a reply buffer (see {@link #gatherInto}). */
  private static final int GATHER_MAX_DIM = 8;

  private final SlotIndex index;
  /** The slots of one chunk; confined to the store's one thread like everything else here. */
  private final int[] scratch = new int[CHUNK];
  /** {@link #gatherInto}'s staging rows, made on first use; the store is used by one lane at a time. */
  private float[] gathered;
  private final int pageShift;
  private final int pageMask;
  /** Null without expiry. */
  private final ExpiryClock expiry;
  /** Null without admission. */
  private final AdmissionSketch sketch;
  private final FeatureEvents events;
  /** Whether expiry or admission is on: the plain paths stay as they were without them. */
  private final boolean lifecycle;

  // Rows: slot s lives in page s >>> pageShift at row s & pageMask.
  private float[][] pages;
  private long[][] versionPages;
  private long[][] keyPages;
  private int highWater;
  private int[] free;
  private int freeCount;
  /** Write stamps of the slots, parallel to {@link #pages}; null without expiry. */
  private long[][] stampPages;
  /** Where the next sweep starts. */
  private int sweepCursor;
  /** Slots of sweeping earned by writes and not yet swept. */
  private long sweepCredit;
  /** The stamp of the write in progress (rows it creates take it too). */
  private long opNow;
  // Counts of the operation in progress, reported to events when it ends.
  private int opEvicted;
  private int opAdmitted;
  private int opDeferred;

  public SparseShardStore(int dim, Updater updater, Initializer init) {
    this(dim, updater, init, 0);
  }

  /** A store sized to hold {@code expectedRows} rows before its index first grows. */
  public SparseShardStore(int dim, Updater updater, Initializer init, int expectedRows) {
    this(dim, updater, init, expectedRows, FeatureLifecycle.NONE, Ticker.systemTicker(), FeatureEvents.NONE);
  }

  /**
   * A store whose rows expire and whose keys are admitted as {@code lifecycle} says: time-based
   * expiry reads {@code ticker}; evictions and admissions are reported to {@code events}.
   */
  public SparseShardStore(int dim, Updater updater, Initializer init, int expectedRows,
      FeatureLifecycle lifecycle, Ticker ticker, FeatureEvents events) {
    super(dim, updater, init);
    Objects.requireNonNull(lifecycle, "lifecycle");
    this.events = Objects.requireNonNull(events, "events");
    this.expiry = lifecycle.expires() ? new ExpiryClock(lifecycle, ticker) : null;
    this.sketch = lifecycle.admits()
        ? new AdmissionSketch(lifecycle.admissionSketchBytes(), lifecycle.admitAfter()) : null;
    this.lifecycle = expiry != null || sketch != null;
    this.index = new SlotIndex(expectedRows);
    int pageRows = Integer.highestOneBit(Math.max(1, Math.min(MAX_PAGE_ROWS, PAGE_FLOATS / width)));
    this.pageShift = Integer.numberOfTrailingZeros(pageRows);
    this.pageMask = pageRows - 1;
    resetRows();
  }

  /** Heap bytes a store for {@code lifecycle} allocates up front: its admission sketch, if any. */
  public static long fixedBytes(FeatureLifecycle lifecycle) {
    return lifecycle.admits() ? AdmissionSketch.bytesFor(lifecycle.admissionSketchBytes()) : 0;
  }

  private void resetRows() {
    pages = new float[0][];
    versionPages = new long[0][];
    keyPages = new long[0][];
    stampPages = expiry != null ? new long[0][] : null;
    highWater = 0;
    free = new int[0];
    freeCount = 0;
    sweepCursor = 0;
    sweepCredit = 0;
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
      if (dim <= GATHER_MAX_DIM) {
        gatherInto(keys, off + start, n, out);
        continue;
      }
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

  /**
   * The rows of the {@code n} resolved keys copied into {@link #gathered}, then put into
   * {@code out} at once: for narrow rows a bulk {@code FloatBuffer.put} per row costs more than
   * the row (7% of a profiled logistic-regression fit, one float per row).
   */
  private void gatherInto(long[] keys, int off, int n, FloatBuffer out) {
    float[] rows = gathered;
    if (rows == null) {
      rows = new float[CHUNK * dim];
      gathered = rows;
    }
    int[] slots = scratch;
    for (int i = 0; i < n; i++) {
      int slot = slots[i];
      if (slot < 0) {
        init.fill(keys[off + i], rows, i * dim, dim);
      } else if (dim == 1) {
        rows[i] = pages[slot >>> pageShift][(slot & pageMask) * width];
      } else {
        System.arraycopy(pages[slot >>> pageShift], (slot & pageMask) * width, rows, i * dim, dim);
      }
    }
    out.put(rows, 0, n * dim);
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
    beginWrite();
    for (int start = 0; start < len; start += CHUNK) {
      int n = Math.min(CHUNK, len - start);
      for (int i = 0; i < n; i++) {
        // Rows never move: slots stay valid. A slot freed by an eviction here is the evicted
        // key's own, which no earlier key of the chunk holds.
        slots[i] = lifecycle ? writeSlot(idx, keys[off + start + i], true, true)
            : materialise(idx, keys[off + start + i], true);
      }
      for (int i = 0; i < n; i++) {
        int slot = slots[i];
        if (slot < 0) {
          continue;  // not admitted yet: counted by the sketch, dropped by design
        }
        updater.apply(pages[slot >>> pageShift], (slot & pageMask) * width, dim, deltas,
            deltaOff + (start + i) * dim);
        written(slot);
      }
    }
    endWrite(len);
  }

  @Override
  public void assign(long[] keys, int off, int len, float[] values, int valOff) {
    checkBatch(keys, off, len, "values", values, valOff);
    SlotIndex idx = index;
    beginWrite();
    for (int i = 0; i < len; i++) {
      int slot = lifecycle ? writeSlot(idx, keys[off + i], false, true) : materialise(idx, keys[off + i], true);
      System.arraycopy(values, valOff + i * dim, pages[slot >>> pageShift], (slot & pageMask) * width, dim);
      written(slot);
    }
    endWrite(len);
  }

  @Override
  public boolean contains(long key) {
    open();
    return live(index.get(key)) >= 0;
  }

  /** A stale row (expired, not yet swept) is removed but not counted: it no longer existed. */
  @Override
  public int remove(long[] keys, int off, int len) {
    open();
    StoreArgs.checkKeys(keys, off, len);
    int removed = 0;
    for (int i = 0; i < len; i++) {
      int slot = index.remove(keys[off + i]);
      if (slot >= 0) {
        if (live(slot) >= 0) {
          removed++;
        } else {
          opEvicted++;
        }
        freeRow(slot);
      }
    }
    report();
    return removed;
  }

  @Override
  public long version(long key) {
    open();
    int slot = live(index.get(key));
    return slot < 0 ? 0 : versionPages[slot >>> pageShift][slot & pageMask];
  }

  @Override
  public long compareAndSet(long key, long expectedVersion, float[] values, int valOff) {
    open();
    checkRow(values, valOff);
    if (version(key) != expectedVersion) {
      return -1;
    }
    beginWrite();
    int slot = lifecycle ? writeSlot(index, key, false, true) : materialise(index, key, true);
    System.arraycopy(values, valOff, pages[slot >>> pageShift], (slot & pageMask) * width, dim);
    long version = ++versionPages[slot >>> pageShift][slot & pageMask];
    stamp(slot);
    report();
    return version;
  }

  /** Removes every row; the admission sketch forgets its counts too. */
  @Override
  public void clear() {
    open();
    index.clear();
    resetRows();
    if (sketch != null) {
      sketch.clear();
    }
  }

  /** The cursor is a row slot; rows never move, so index growth does not disturb a scan. */
  @Override
  public long scanRecords(long cursor, int maxRows, RecordSink sink) {
    checkScan(cursor, maxRows);
    int emitted = 0;
    long now = expiry != null ? expiry.now() : 0;
    for (long s = cursor; s < highWater; s++) {
      int slot = (int) s;
      int p = slot >>> pageShift;
      int r = slot & pageMask;
      long version = versionPages[p][r];
      // A stale row is gone for readers: a checkpoint taken now must not bring it back.
      if (version != FREE && (expiry == null || !expiry.stale(stampPages[p][r], now))) {
        sink.record(keyPages[p][r], version, pages[p], r * width);
        if (++emitted == maxRows) {
          return s + 1 < highWater ? s + 1 : -1;
        }
      }
    }
    return -1;
  }

  /** A loaded row's expiry starts now: checkpoints keep no write stamps (see docs/features.md). */
  @Override
  public void load(long key, long version, float[] record, int off) {
    open();
    checkLoad(version, record, off);
    beginWrite();
    // The record overwrites all of it: no initializer needed.
    int slot = lifecycle ? writeSlot(index, key, false, false) : materialise(index, key, false);
    int p = slot >>> pageShift;
    System.arraycopy(record, off, pages[p], (slot & pageMask) * width, width);
    versionPages[p][slot & pageMask] = version;
    stamp(slot);
    report();
  }

  /**
   * A push of a tagged run reached this shard at {@code clock} of run {@code runId}: moves the
   * shard's clock when the table expires rows after a number of clocks (see {@link ExpiryClock}).
   */
  @Override
  public void observeClock(long runId, long clock) {
    open();
    if (expiry != null) {
      expiry.observe(runId, clock);
    }
  }

  /**
   * Examines up to {@code maxSlots} row slots from where the last sweep stopped (wrapping around)
   * and removes the stale rows among them; returns how many. Writes run it themselves, a few
   * thousand slots at a time; callers may run more (tests, an idle shard). 0 without expiry.
   */
  public int sweep(int maxSlots) {
    open();
    if (maxSlots <= 0) {
      throw new IllegalArgumentException("sweep size out of range: maxSlots=" + maxSlots + " (> 0)");
    }
    if (expiry == null) {
      return 0;
    }
    int evicted = sweep(maxSlots, expiry.now());
    opEvicted += evicted;
    report();
    return evicted;
  }

  private int sweep(int maxSlots, long now) {
    int hw = highWater;
    int steps = Math.min(maxSlots, hw);
    int evicted = 0;
    for (int k = 0; k < steps; k++) {
      if (sweepCursor >= hw) {
        sweepCursor = 0;
      }
      int slot = sweepCursor++;
      int p = slot >>> pageShift;
      int r = slot & pageMask;
      if (versionPages[p][r] != FREE && expiry.stale(stampPages[p][r], now)) {
        index.remove(keyPages[p][r]);
        freeRow(slot);
        evicted++;
      }
    }
    return evicted;
  }

  /**
   * Adds what a write of {@code keys} keys earned and returns the slots it should sweep now: 0
   * until the credit reaches {@link #SWEEP_MIN} (or the shard's slot count), then up to
   * {@link #SWEEP_MAX}.
   */
  private int sweepDue(int keys) {
    sweepCredit = Math.min(SWEEP_MAX, sweepCredit + (long) SWEEP_PER_KEY * keys);
    if (highWater == 0 || sweepCredit < Math.min(SWEEP_MIN, highWater)) {
      return 0;
    }
    int due = (int) sweepCredit;
    sweepCredit = 0;
    return due;
  }

  /** The shard's logical clock (expiry by clocks), for tests; 0 otherwise. */
  long expiryClock() {
    return expiry != null && expiry.byClocks() ? expiry.clock() : 0;
  }

  /** Heap bytes of the admission sketch, fixed whatever the keys; 0 without admission. */
  public long sketchBytes() {
    return sketch != null ? sketch.bytes() : 0;
  }

  private void beginWrite() {
    if (expiry != null) {
      opNow = expiry.now();
    }
  }

  /** Bumps a written row's version and stamps it. */
  private void written(int slot) {
    versionPages[slot >>> pageShift][slot & pageMask]++;
    stamp(slot);
  }

  private void stamp(int slot) {
    if (stampPages != null) {
      stampPages[slot >>> pageShift][slot & pageMask] = opNow;
    }
  }

  /** Ends a write of {@code keys} keys: sweeps (with expiry) and reports its counts. */
  private void endWrite(int keys) {
    if (expiry != null) {
      int due = sweepDue(keys);
      if (due > 0) {
        opEvicted += sweep(due, opNow);
      }
    }
    report();
  }

  private void report() {
    if (opEvicted != 0) {
      events.evicted(opEvicted);
      opEvicted = 0;
    }
    if (opAdmitted != 0) {
      events.admitted(opAdmitted);
      opAdmitted = 0;
    }
    if (opDeferred != 0) {
      events.deferred(opDeferred);
      opDeferred = 0;
    }
  }

  /** {@code slot} if it holds a live row, -1 if it is -1 or its row is stale. */
  private int live(int slot) {
    if (slot < 0 || expiry == null) {
      return slot;
    }
    return expiry.stale(stampPages[slot >>> pageShift][slot & pageMask], expiry.now()) ? -1 : slot;
  }

  /**
   * The slot a write to {@code key} goes to, with the lifecycle applied: a stale row is evicted
   * first (the key starts fresh); with {@code admit} and admission on, a key without a row is
   * counted and gets one only once admitted, else -1 (the write is dropped).
   */
  private int writeSlot(SlotIndex idx, long key, boolean admit, boolean fill) {
    int slot = idx.get(key);
    if (slot >= 0) {
      if (expiry == null || !expiry.stale(stampPages[slot >>> pageShift][slot & pageMask], opNow)) {
        return slot;
      }
      idx.remove(key);
      freeRow(slot);
      opEvicted++;
    }
    if (admit && sketch != null) {
      if (!sketch.offer(key)) {
        opDeferred++;
        return -1;
      }
      opAdmitted++;
    }
    return materialise(idx, key, fill);
  }

  @Override
  public void close() {
    markClosed();
    index.release();
    pages = null;
    versionPages = null;
    keyPages = null;
    stampPages = null;
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
    if (stampPages != null) {
      stampPages[p][r] = opNow;
    }
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
    if (stampPages != null) {
      stampPages = Arrays.copyOf(stampPages, n + 1);
      stampPages[n] = new long[rows];
    }
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
    return describe("SparseShardStore", "rows=" + index.size(),
        (expiry != null ? ", expiry=" + (expiry.byClocks() ? "clocks, clock=" + expiry.clock() : "time") : "")
            + (sketch != null ? ", admissionSketchBytes=" + sketch.bytes() : ""));
  }

  /** Slots of {@code keys[from, from + n)} into {@link #scratch} (negative where absent), n <= {@link #CHUNK}. */
  private void resolve(long[] keys, int from, int n) {
    SlotIndex idx = index;
    int[] slots = scratch;
    for (int i = 0; i < n; i++) {
      slots[i] = idx.get(keys[from + i]);
    }
    if (expiry != null) {
      long now = expiry.now();
      for (int i = 0; i < n; i++) {
        int slot = slots[i];
        if (slot >= 0 && expiry.stale(stampPages[slot >>> pageShift][slot & pageMask], now)) {
          slots[i] = -1;  // expired: reads as absent until the sweep reclaims it
        }
      }
    }
  }
}
