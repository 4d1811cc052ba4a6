package io.sparkps.core.storage.chronicle;

import io.sparkps.core.storage.Initializer;
import io.sparkps.core.update.Updater;
import java.util.Arrays;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Reads and writes single rows of a shard's current map through one reusable scratch row, and
 * counts them: Chronicle's own count walks every segment, and growth must be decided before each
 * insert. A write reads the row (or builds a fresh one: initializer, zeroed state,
 * {@code updater.initState}), changes it on heap and writes it back under the same map lookup, so
 * a row is never seen half-written. Arguments are checked by the caller. NOT thread-safe: owned
 * by one store.
 */
final class ShardRows {

  /** The expected version of a write that does not compare. */
  static final long NO_EXPECTATION = Long.MIN_VALUE;

  private final ShardMap shard;
  private final boolean dense;
  private final int dim;
  private final int width;
  private final Updater updater;
  private final Initializer init;
  private final RowBuffer scratch;
  private long size;

  ShardRows(ShardMap shard, boolean dense, int dim, int width, Updater updater, Initializer init) {
    this.shard = shard;
    this.dense = dense;
    this.dim = dim;
    this.width = width;
    this.updater = updater;
    this.init = init;
    this.scratch = new RowBuffer(width);
    this.size = shard.map().longSize();
  }

  /** Rows stored (a dense store's untouched rows are absent). */
  long size() {
    return size;
  }

  /** The map was replaced by an empty one. */
  void cleared() {
    size = 0;
  }

  RowBuffer scratch() {
    return scratch;
  }

  boolean contains(long key) {
    return shard.map().containsKey(key);
  }

  /** Copies the row's weights to {@code out[outOff ..]}; an absent row reads as the initializer's. */
  void readWeights(long key, float[] out, int outOff) {
    RowBuffer b = shard.map().getUsing(key, scratch);
    if (b == null) {
      init.fill(key, out, outOff, dim);
    } else {
      System.arraycopy(b.row, 0, out, outOff, dim);
    }
  }

  /** The row in the scratch buffer, or a fresh one if absent (not stored). */
  RowBuffer readOrFresh(long key) {
    RowBuffer b = shard.map().getUsing(key, scratch);
    if (b == null) {
      b = scratch;
      fresh(key, b);
    }
    return b;
  }

  /** The row's version, read without copying the row; 0 if absent. */
  long version(long key) {
    try (ExternalMapQueryContext<Long, RowBuffer, ?> c = shard.map().queryContext(key)) {
      MapEntry<Long, RowBuffer> e = c.entry();
      if (e == null) {
        return 0;
      }
      Data<RowBuffer> v = e.value();
      return v.bytes().readLong(v.offset());  // the version leads the value
    }
  }

  /**
   * Loads the row (fresh if absent), pushes or assigns {@code src[srcOff ..]}, bumps the version
   * and stores the row. With an expectation other than {@link #NO_EXPECTATION}, a row whose
   * version differs is left alone (and an absent row is not created) and -1 is returned. Returns
   * the new version.
   */
  long write(long key, boolean push, float[] src, int srcOff, long expectedVersion) {
    makeRoomFor(key);
    try (ExternalMapQueryContext<Long, RowBuffer, ?> c = shard.map().queryContext(key)) {
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
      store(c, e, b);
      return b.version;
    }
  }

  /**
   * Writes the record and version as the row's value, replacing it in place or inserting it
   * (growing first if needed, as for a write).
   */
  void load(long key, long version, float[] record, int off) {
    makeRoomFor(key);
    try (ExternalMapQueryContext<Long, RowBuffer, ?> c = shard.map().queryContext(key)) {
      c.writeLock().lock();
      RowBuffer b = scratch;
      System.arraycopy(record, off, b.row, 0, width);
      b.version = version;
      store(c, c.entry(), b);
    }
  }

  /** Removes the row; whether it existed. */
  boolean remove(long key) {
    try (ExternalMapQueryContext<Long, RowBuffer, ?> c = shard.map().queryContext(key)) {
      c.writeLock().lock();
      MapEntry<Long, RowBuffer> e = c.entry();
      if (e == null) {
        return false;
      }
      e.doRemove();
      size--;
      return true;
    }
  }

  /** A fresh row: the initializer's weights, zeroed then initialised updater state, version 0. */
  private void fresh(long key, RowBuffer b) {
    init.fill(key, b.row, 0, dim);
    Arrays.fill(b.row, dim, width, 0f);
    updater.initState(b.row, 0, dim);
    b.version = 0;
  }

  private void store(ExternalMapQueryContext<Long, RowBuffer, ?> c, MapEntry<Long, RowBuffer> e, RowBuffer b) {
    Data<RowBuffer> data = c.wrapValueAsData(b);
    if (e != null) {
      e.doReplaceValue(data);  // same size: overwritten in place
    } else {
      c.absentEntry().doInsert(data);
      size++;
    }
  }

  /** Grows a full sparse store before {@code key} would be a row beyond its capacity. */
  private void makeRoomFor(long key) {
    if (!dense && size >= shard.capacity() && !shard.map().containsKey(key)) {
      shard.grow(size, scratch);
    }
  }
}
