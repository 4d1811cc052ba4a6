package io.sparkps.core.storage;

import io.sparkps.core.update.Updater;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * The rows of one shard in a Chronicle Map outside the Java heap: {@code long} key to one
 * fixed-size value per row, {@code [version: int64][dim weights][updater state]} (floats, native
 * byte order). Either purely off-heap ({@code file == null}: native memory, gone on close) or
 * memory-mapped to one file per shard, which a later store reopens with every row, its optimizer
 * state and its version. Built by {@link ShardStores} for {@code OFFHEAP} and {@code PERSISTED}
 * tables; same semantics as {@link SparseShardStore} (sparse tables) and {@link DenseShardStore}
 * (dense tables) for every operation and updater.
 *
 * <p>Rows are copied in and out through one reusable scratch row: a write reads the row (or
 * builds a fresh one: initializer, zeroed state, {@code updater.initState}), changes it on heap
 * and writes it back under the same map lookup. Absent rows are never inserted by reads. A dense
 * store keeps untouched rows absent too (an absent row reads exactly like a fresh dense row), so
 * {@code clear()} and creation cost nothing per row. {@link #scanRecords} and {@link #load} move
 * a row's value as stored, version and all {@link #rowWidth()} floats, bit for bit.
 *
 * <p>Capacity: Chronicle Map is sized up front. A sparse store starts at
 * {@link StorageOptions#expectedEntries()} rows and, when a new row would exceed that, doubles by
 * building a bigger map and copying every row into it (a persisted shard copies into a
 * {@code .grow-<entries>} file that then replaces the shard's file atomically); the copy briefly needs both
 * maps. A dense store is sized for its range once.
 *
 * <p>Persisted files: {@code <file>} (the map), {@code <file>.meta} (the layout, checked on
 * reopen, and whether the store was closed cleanly; a shard not closed cleanly is reopened with
 * Chronicle's recovery, which scans the whole file) and {@code <file>.lock} (an exclusive file
 * lock held while the store is open, so the same shard is never open twice, in this JVM or
 * another). Writes reach the file through the page cache: they survive the server process
 * exiting or crashing, not a crash of the machine.
 *
 * <p>NOT thread-safe: one thread at a time (see {@link ShardStore}).
 */
public final class ChronicleShardStore implements ShardStore {

  /** Layout version of the value and meta formats. */
  static final String FORMAT = "1";
  private static final long NO_EXPECTATION = Long.MIN_VALUE;
  private static final String GROW = ".grow-";
  /** Rows per Chronicle segment the store asks for (Chronicle's default is ~16k at 1M entries). */
  static final long SEGMENT_ENTRIES = 2048;

  private final String table;
  private final boolean dense;
  private final long start;
  private final long end;
  private final int dim;
  private final int width;
  private final Updater updater;
  private final Initializer init;
  private final long initialCapacity;
  private final Path file;
  private final Path metaFile;
  private final Path lockFile;
  private final RowBuffer scratch;

  private ChronicleMap<Long, RowBuffer> map;
  private long capacity;
  private long size;
  /** Changes whenever the map is replaced (growth, clear): scan snapshots of an older map are void. */
  private long generation;
  private FileChannel lockChannel;
  private boolean closed;

  // Sorted keys of the one segment a sparse scan is in the middle of (see scan).
  private long[] scanKeys;
  private long scanCursor = -1;
  private long scanGeneration = -1;

  /**
   * A store for one shard. Dense: rows {@code [start, end)}; sparse: any key, {@code start} and
   * {@code end} ignored, sized for {@code expectedEntries} rows before it first grows.
   * {@code file == null} keeps rows in native memory only; otherwise they live in {@code file},
   * which is reopened if it exists. {@code table} names the table in the persisted layout.
   */
  ChronicleShardStore(String table, boolean dense, long start, long end, int dim, Updater updater,
      Initializer init, long expectedEntries, Path file) {
    this.table = Objects.requireNonNull(table, "table");
    this.updater = Objects.requireNonNull(updater, "updater");
    this.init = Objects.requireNonNull(init, "init");
    this.width = StoreArgs.rowWidth(dim, updater);
    this.dim = dim;
    this.dense = dense;
    if (dense) {
      if (start < 0 || end < start) {
        throw new IllegalArgumentException("dense shard range invalid: start=" + start + ", end="
            + end + " (0 <= start <= end)");
      }
      this.start = start;
      this.end = end;
      this.initialCapacity = Math.max(1, end - start);
    } else {
      if (expectedEntries < 1 || expectedEntries > StorageOptions.MAX_EXPECTED_ENTRIES) {
        throw new IllegalArgumentException("expected entries out of range: expectedEntries="
            + expectedEntries + " ([1, " + StorageOptions.MAX_EXPECTED_ENTRIES + "])");
      }
      this.start = 0;
      this.end = 0;
      this.initialCapacity = expectedEntries;
    }
    this.scratch = new RowBuffer(width);
    this.file = file;
    this.metaFile = file == null ? null : sibling(file, ".meta");
    this.lockFile = file == null ? null : sibling(file, ".lock");
    this.capacity = initialCapacity;
    if (file == null) {
      this.map = builder(capacity).create();
    } else {
      openPersisted();
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private ChronicleMapBuilder<Long, RowBuffer> builder(long entries) {
    ChronicleMapBuilder<Long, RowBuffer> b = ChronicleMap.of(Long.class, RowBuffer.class)
        .name("sparkps-" + table)
        .valueMarshaller(RowMarshaller.INSTANCE)
        .constantValueSizeBySample(new RowBuffer(width))
        .entries(entries)
        .putReturnsNull(true);
    // Small segments let a scan batch take whole segments (see scan); at most 2^16 of them.
    long perSegment = Math.max(SEGMENT_ENTRIES, entries >> 16);
    return entries > perSegment ? b.entriesPerSegment(perSegment) : b;
  }

  // ---- persisted files -------------------------------------------------------------------

  private void openPersisted() {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      lock();
      boolean opened = false;
      try {
        deleteGrowFiles();  // left by a crash while growing; the shard's own file is intact
        if (Files.exists(file) && Files.size(file) > 0) {
          Properties meta = readMeta();
          checkLayout(meta);
          capacity = Long.parseLong(meta.getProperty("entries"));
          boolean clean = Boolean.parseBoolean(meta.getProperty("clean"));
          // After a crash Chronicle's segment locks may still look held: recovery resets them.
          map = clean ? builder(capacity).createPersistedTo(file.toFile())
              : builder(capacity).recoverPersistedTo(file.toFile(), true);
          size = map.longSize();
        } else {
          Files.deleteIfExists(metaFile);
          map = builder(capacity).createPersistedTo(file.toFile());
          size = 0;
        }
        writeMeta(false);
        opened = true;
      } finally {
        if (!opened) {
          if (map != null) {
            map.close();
          }
          unlock();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open persisted shard: file=" + file, e);
    }
  }

  private void lock() throws IOException {
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new IllegalStateException("persisted shard is already open in this JVM: file=" + file
          + " (close or destroy its store first)");
    }
    if (lock == null) {
      ch.close();
      throw new IllegalStateException("persisted shard is open in another process: file=" + file
          + " (lock held on " + lockFile + ")");
    }
    lockChannel = ch;
  }

  private void deleteGrowFiles() throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, file.getFileName() + GROW + "*")) {
      for (Path p : leftovers) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void unlock() {
    if (lockChannel != null) {
      try {
        lockChannel.close();  // releases the lock
      } catch (IOException e) {
        // nothing left to do: the lock dies with the channel
      }
      lockChannel = null;
    }
  }

  private Properties layout() {
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("table", table);
    p.setProperty("kind", dense ? "dense" : "sparse");
    p.setProperty("start", Long.toString(start));
    p.setProperty("end", Long.toString(end));
    p.setProperty("dim", Integer.toString(dim));
    p.setProperty("floatsPerRow", Integer.toString(width));
    p.setProperty("updater", updater.getClass().getName());
    p.setProperty("initializer", init.spec().toString());
    return p;
  }

  private Properties readMeta() throws IOException {
    Properties meta = new Properties();
    try (InputStream in = Files.newInputStream(metaFile)) {
      meta.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("persisted shard has no layout file: file=" + file + ", missing="
          + metaFile + " (delete " + file + " to start the shard empty)");
    }
    return meta;
  }

  /** Every layout property must match: same table, kind, range, width, updater class, initializer. */
  private void checkLayout(Properties meta) {
    Properties want = layout();
    StringBuilder diff = new StringBuilder();
    for (String k : want.stringPropertyNames().stream().sorted().toList()) {
      String have = meta.getProperty(k);
      if (!want.getProperty(k).equals(have)) {
        diff.append(diff.length() == 0 ? "" : ", ").append(k).append('=').append(want.getProperty(k))
            .append(" (file has ").append(have).append(')');
      }
    }
    if (meta.getProperty("entries") == null) {
      diff.append(diff.length() == 0 ? "" : ", ").append("entries missing");
    }
    if (diff.length() > 0) {
      throw new IllegalArgumentException("persisted shard holds a different table layout: file=" + file
          + ": " + diff + "; delete " + file + "* or use another storage directory");
    }
  }

  /** Rewrites the meta file atomically (write a temporary file, then rename it over the old one). */
  private void writeMeta(boolean clean) throws IOException {
    Properties p = layout();
    p.setProperty("entries", Long.toString(capacity));
    p.setProperty("clean", Boolean.toString(clean));
    Path tmp = sibling(metaFile, ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "spark-ps persisted shard layout; do not edit");
    }
    Files.move(tmp, metaFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---- ShardStore ------------------------------------------------------------------------

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
    return dense ? end - start : size;
  }

  @Override
  public void pull(long[] keys, int off, int len, float[] out, int outOff) {
    open();
    checkBatch(keys, off, len, "out", out, outOff);
    for (int i = 0; i < len; i++) {
      readWeights(keys[off + i], out, outOff + i * dim);
    }
  }

  @Override
  public void pullRange(long from, long to, float[] out, int outOff) {
    open();
    if (!dense) {
      throw new UnsupportedOperationException("pull(range) needs a dense table");
    }
    if (from < start || to > end || from > to) {
      throw new KeyOutOfRangeException(from, to, start, end);
    }
    StoreArgs.checkRows("out", out, outOff, to - from, dim);
    for (long k = from; k < to; k++) {
      readWeights(k, out, outOff + (int) (k - from) * dim);
    }
  }

  @Override
  public void push(long[] keys, int off, int len, float[] deltas, int deltaOff) {
    open();
    checkBatch(keys, off, len, "deltas", deltas, deltaOff);
    for (int i = 0; i < len; i++) {
      write(keys[off + i], true, deltas, deltaOff + i * dim, NO_EXPECTATION);
    }
  }

  @Override
  public void assign(long[] keys, int off, int len, float[] values, int valOff) {
    open();
    checkBatch(keys, off, len, "values", values, valOff);
    for (int i = 0; i < len; i++) {
      write(keys[off + i], false, values, valOff + i * dim, NO_EXPECTATION);
    }
  }

  @Override
  public boolean contains(long key) {
    open();
    if (dense) {
      row(key);
      return true;
    }
    return map.containsKey(key);
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
      try (ExternalMapQueryContext<Long, RowBuffer, ?> c = map.queryContext(keys[off + i])) {
        c.writeLock().lock();
        MapEntry<Long, RowBuffer> e = c.entry();
        if (e != null) {
          e.doRemove();
          size--;
          removed++;
        }
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
    try (ExternalMapQueryContext<Long, RowBuffer, ?> c = map.queryContext(key)) {
      MapEntry<Long, RowBuffer> e = c.entry();
      if (e == null) {
        return 0;
      }
      Data<RowBuffer> v = e.value();
      return v.bytes().readLong(v.offset());  // the version leads the value
    }
  }

  @Override
  public long compareAndSet(long key, long expectedVersion, float[] values, int valOff) {
    open();
    if (dense) {
      row(key);
    }
    StoreArgs.checkRows("values", values, valOff, 1, dim);
    return write(key, false, values, valOff, expectedVersion);
  }

  @Override
  public void clear() {
    open();
    // A new empty map is cheaper than removing rows one by one, and gives native memory back.
    ChronicleMap<Long, RowBuffer> old = map;
    map = null;
    old.close();
    capacity = initialCapacity;
    size = 0;
    generation++;
    scanKeys = null;
    if (file == null) {
      map = builder(capacity).create();
      return;
    }
    try {
      Files.deleteIfExists(file);  // a crash from here on leaves no file: an empty shard, as cleared
      map = builder(capacity).createPersistedTo(file.toFile());
      writeMeta(false);
    } catch (IOException e) {
      closed = true;
      unlock();
      throw new UncheckedIOException("cannot recreate persisted shard: file=" + file, e);
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
   * back into the store.
   */
  @Override
  public long scan(long cursor, int maxRows, RowSink sink) {
    // One capturing lambda per call, not per row: the weights lead each record.
    return scanRecords(cursor, maxRows, (key, version, src, off) -> sink.row(key, src, off));
  }

  /**
   * The same cursors, guarantees and sink rules as {@link #scan}. {@code src} is the store's
   * scratch row, overwritten for the next row. A dense row never written is reported as it
   * reads: the initializer's weights, fresh updater state, version 0.
   */
  @Override
  public long scanRecords(long cursor, int maxRows, RecordSink sink) {
    open();
    StoreArgs.checkCursor(cursor);
    StoreArgs.checkMaxRows(maxRows);
    return dense ? scanDense(cursor, maxRows, sink) : scanSparse(cursor, maxRows, sink);
  }

  private long scanDense(long cursor, int maxRows, RecordSink sink) {
    long rows = end - start;
    if (cursor >= rows) {
      return -1;
    }
    long stop = Math.min(rows, cursor + maxRows);
    for (long r = cursor; r < stop; r++) {
      long key = start + r;
      RowBuffer b = map.getUsing(key, scratch);
      if (b == null) {
        b = scratch;
        fresh(key, b);
      }
      sink.record(key, b.version, b.row, 0);
    }
    return stop == rows ? -1 : stop;
  }

  private long scanSparse(long cursor, int maxRows, RecordSink sink) {
    int segments = map.segments();
    long seg = cursor >>> 32;
    long pos = cursor & 0xFFFF_FFFFL;
    int emitted = 0;
    while (seg < segments && emitted < maxRows) {
      long[] keys;
      if (pos == 0) {
        try (MapSegmentContext<Long, RowBuffer, ?> sc = map.segmentContext((int) seg)) {
          long n = sc.size();
          if (n <= maxRows - emitted) {
            sc.forEachSegmentEntry(e -> {
              RowBuffer b = e.value().getUsing(scratch);
              sink.record(e.key().get(), b.version, b.row, 0);
            });
            emitted += (int) n;
            seg++;
            continue;
          }
        }
        if (emitted > 0) {
          break;  // the next call starts this segment with a whole batch
        }
        keys = sortedKeys((int) seg);
      } else if (scanKeys != null && scanCursor == cursor && scanGeneration == generation) {
        keys = scanKeys;
      } else {
        keys = sortedKeys((int) seg);  // another scan's snapshot, or none: exact only if unchanged
      }
      while (pos < keys.length && emitted < maxRows) {
        long key = keys[(int) pos++];
        RowBuffer b = map.getUsing(key, scratch);
        if (b != null) {  // null: removed since the snapshot, skip it
          sink.record(key, b.version, b.row, 0);
          emitted++;
        }
      }
      if (pos < keys.length) {
        scanKeys = keys;
        scanGeneration = generation;
        scanCursor = (seg << 32) | pos;
        return scanCursor;
      }
      scanKeys = null;
      seg++;
      pos = 0;
    }
    return seg < segments ? seg << 32 : -1;
  }

  private long[] sortedKeys(int segment) {
    try (MapSegmentContext<Long, RowBuffer, ?> sc = map.segmentContext(segment)) {
      long[] keys = new long[(int) sc.size()];
      int[] n = {0};
      sc.forEachSegmentEntry(e -> keys[n[0]++] = e.key().get());
      Arrays.sort(keys);
      return keys;
    }
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
    StoreArgs.checkRecord(record, off, width);
    StoreArgs.checkVersion(version);
    makeRoomFor(key);
    try (ExternalMapQueryContext<Long, RowBuffer, ?> c = map.queryContext(key)) {
      c.writeLock().lock();
      RowBuffer b = scratch;
      System.arraycopy(record, off, b.row, 0, width);
      b.version = version;
      Data<RowBuffer> data = c.wrapValueAsData(b);
      MapEntry<Long, RowBuffer> e = c.entry();
      if (e != null) {
        e.doReplaceValue(data);  // same size: overwritten in place
      } else {
        c.absentEntry().doInsert(data);
        size++;
      }
    }
  }

  /** Closes the map, keeping a persisted shard's files for the next store. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scanKeys = null;
    if (map == null) {
      return;
    }
    map.close();
    map = null;
    if (file != null) {
      try {
        writeMeta(true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot mark persisted shard closed: file=" + metaFile, e);
      } finally {
        unlock();
      }
    }
  }

  /** Closes the store and deletes a persisted shard's files: the table is gone. */
  @Override
  public void destroy() {
    close();
    if (file != null) {
      try {
        Files.deleteIfExists(file);
        Files.deleteIfExists(metaFile);
        deleteGrowFiles();
        Files.deleteIfExists(lockFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete persisted shard: file=" + file, e);
      }
    }
  }

  // ---- rows ------------------------------------------------------------------------------

  private void open() {
    if (closed) {
      throw StoreArgs.closed();
    }
  }

  /** Row index check for dense stores: a key outside the store is a {@link KeyOutOfRangeException}. */
  private void row(long key) {
    if (key < start || key >= end) {
      throw new KeyOutOfRangeException(key, start, end);
    }
  }

  /** Checks lengths and, for dense stores, every key up front, so a bad batch changes nothing. */
  private void checkBatch(long[] keys, int off, int len, String what, float[] values, int valOff) {
    StoreArgs.checkKeys(keys, off, len);
    StoreArgs.checkRows(what, values, valOff, len, dim);
    if (dense) {
      for (int i = 0; i < len; i++) {
        row(keys[off + i]);
      }
    }
  }

  private void readWeights(long key, float[] out, int outOff) {
    RowBuffer b = map.getUsing(key, scratch);
    if (b == null) {
      init.fill(key, out, outOff, dim);
    } else {
      System.arraycopy(b.row, 0, out, outOff, dim);
    }
  }

  /** A fresh row: the initializer's weights, zeroed then initialised updater state, version 0. */
  private void fresh(long key, RowBuffer b) {
    init.fill(key, b.row, 0, dim);
    Arrays.fill(b.row, dim, width, 0f);
    updater.initState(b.row, 0, dim);
    b.version = 0;
  }

  /**
   * One write under one map lookup: loads the row (fresh if absent), pushes or assigns
   * {@code src[srcOff ..]}, bumps the version and stores the row. With an expectation other than
   * {@link #NO_EXPECTATION}, a row whose version differs is left alone (and an absent row is not
   * created) and -1 is returned. Returns the new version.
   */
  private long write(long key, boolean push, float[] src, int srcOff, long expectedVersion) {
    makeRoomFor(key);
    try (ExternalMapQueryContext<Long, RowBuffer, ?> c = map.queryContext(key)) {
      c.writeLock().lock();
      MapEntry<Long, RowBuffer> e = c.entry();
      RowBuffer b = scratch;
      if (e != null) {
        b = e.value().getUsing(b);
      } else {
        fresh(key, b);
      }
      if (expectedVersion != NO_EXPECTATION && b.version != expectedVersion) {
        return -1;
      }
      if (push) {
        updater.apply(b.row, 0, dim, src, srcOff);
      } else {
        System.arraycopy(src, srcOff, b.row, 0, dim);
      }
      b.version++;
      Data<RowBuffer> data = c.wrapValueAsData(b);
      if (e != null) {
        e.doReplaceValue(data);  // same size: overwritten in place
      } else {
        c.absentEntry().doInsert(data);
        size++;
      }
      return b.version;
    }
  }

  /** Grows a full sparse store before {@code key} would be a row beyond its capacity. */
  private void makeRoomFor(long key) {
    if (!dense && size >= capacity && !map.containsKey(key)) {
      grow();
    }
  }

  /** Doubles the capacity: builds a map twice the size, copies every row, swaps it in. */
  private void grow() {
    if (capacity > StorageOptions.MAX_EXPECTED_ENTRIES / 2) {
      throw new IllegalStateException("sparse shard full: rows=" + size + " (<= "
          + StorageOptions.MAX_EXPECTED_ENTRIES + "); use more servers");
    }
    long bigger = capacity * 2;
    // A name per capacity: Chronicle ties a map's thread-local contexts to its file name, and the
    // map being copied still carries the name of the .grow file it was created as.
    Path tmp = file == null ? null : sibling(file, GROW + bigger);
    ChronicleMap<Long, RowBuffer> next;
    try {
      if (tmp == null) {
        next = builder(bigger).create();
      } else {
        Files.deleteIfExists(tmp);
        next = builder(bigger).createPersistedTo(tmp.toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot grow persisted shard: file=" + tmp, e);
    }
    try {
      RowBuffer b = scratch;
      map.forEachEntry(e -> next.put(e.key().get(), e.value().getUsing(b)));
    } catch (RuntimeException e) {
      next.close();
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    map.close();
    map = next;
    capacity = bigger;
    generation++;
    if (file != null) {
      try {
        // The new map stays mapped through the rename; the old file is replaced in one step.
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeMeta(false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot replace persisted shard after growing: file=" + file, e);
      }
    }
  }

  /** Rows the current map was sized for, for tests of growth. */
  long capacity() {
    return capacity;
  }

  /** Chronicle segments of the current map, for scan tests. */
  int segments() {
    return map.segments();
  }

  /** Native memory (or file bytes) the current map uses, for measurements. */
  long offHeapBytes() {
    return map.offHeapMemoryUsed();
  }

  /** The shard's file, or null when purely off-heap. */
  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "ChronicleShardStore{table=" + table + (dense ? ", rows=[" + start + ", " + end + ")" : ", rows=" + size
        + ", capacity=" + capacity) + ", dim=" + dim + ", width=" + width + ", updater=" + updater
        + ", init=" + init.spec() + ", file=" + file + "}";
  }

  // ---- marshalling -----------------------------------------------------------------------

  /** One row on the heap: the floats (weights then state) and the version. Reused as scratch. */
  static final class RowBuffer {
    final float[] row;
    long version;

    RowBuffer(int width) {
      this.row = new float[width];
    }
  }

  /**
   * Writes and reads a {@link RowBuffer} as {@code [version int64][floats]}, copying the floats in
   * bulk and reading into the caller's buffer, so neither direction allocates. Stateless; Chronicle
   * stores its class in a persisted map's header and resolves it back to {@link #INSTANCE}.
   * (Chronicle refuses Java enums as marshallers, hence the singleton field.)
   */
  static final class RowMarshaller
      implements SizedReader<RowBuffer>, SizedWriter<RowBuffer>, EnumMarshallable<RowMarshaller> {

    static final RowMarshaller INSTANCE = new RowMarshaller();
    private static final int FLOAT_BASE = UnsafeMemory.UNSAFE.arrayBaseOffset(float[].class);

    private RowMarshaller() {}

    @Override
    public RowBuffer read(Bytes<?> in, long size, RowBuffer using) {
      long floats = (size - Long.BYTES) / Float.BYTES;
      if (size < Long.BYTES || (size - Long.BYTES) % Float.BYTES != 0 || floats > StoreArgs.MAX_ARRAY) {
        throw new IllegalStateException("stored row has a bad size: bytes=" + size + " (8 + 4 x floats)");
      }
      RowBuffer b = using != null && using.row.length == floats ? using : new RowBuffer((int) floats);
      b.version = in.readLong();
      in.unsafeReadObject(b.row, FLOAT_BASE, (int) floats * Float.BYTES);
      return b;
    }

    @Override
    public long size(RowBuffer b) {
      return Long.BYTES + (long) Float.BYTES * b.row.length;
    }

    @Override
    public void write(Bytes<?> out, long size, RowBuffer b) {
      out.writeLong(b.version);
      out.unsafeWriteObject(b.row, FLOAT_BASE, b.row.length * Float.BYTES);
    }

    @Override
    public RowMarshaller readResolve() {
      return INSTANCE;
    }
  }
}
