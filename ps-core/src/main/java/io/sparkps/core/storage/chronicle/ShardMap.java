package io.sparkps.core.storage.chronicle;

import io.sparkps.core.storage.StorageOptions;
import java.nio.file.Path;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The Chronicle map that currently holds a shard's rows, and the swaps that replace it. Chronicle
 * Map is sized up front and its configuration sealed, so a sparse shard that fills up grows by
 * building a map twice the size, copying every row and swapping it in (briefly needing both
 * maps), and a clear swaps in a new empty map, which is cheaper than removing rows one by one and
 * gives native memory back. {@link #generation()} changes on every swap, so scan state taken
 * from an older map can tell it is void. NOT thread-safe: owned by one store.
 */
final class ShardMap {

  private final RowMaps maps;
  private final long initialCapacity;
  /** The persisted files, or null for a purely off-heap shard. */
  private final ShardFiles files;

  private ChronicleMap<Long, RowBuffer> map;
  private long capacity;
  private long generation;

  private ShardMap(RowMaps maps, long initialCapacity, ShardFiles files) {
    this.maps = maps;
    this.initialCapacity = initialCapacity;
    this.files = files;
  }

  /** A map in native memory sized for {@code capacity} rows. */
  static ShardMap offHeap(RowMaps maps, long capacity) {
    ShardMap m = new ShardMap(maps, capacity, null);
    m.map = maps.create(capacity);
    m.capacity = capacity;
    return m;
  }

  /** The shard's map from its files: reopened with its rows if they exist, else a new one. */
  static ShardMap persisted(RowMaps maps, long initialCapacity, ShardFiles files) {
    ShardMap m = new ShardMap(maps, initialCapacity, files);
    ShardFiles.Opened opened = files.open(maps, initialCapacity);
    m.map = opened.map();
    m.capacity = opened.entries();
    return m;
  }

  ChronicleMap<Long, RowBuffer> map() {
    return map;
  }

  long capacity() {
    return capacity;
  }

  long generation() {
    return generation;
  }

  /** The shard's file, or null when purely off-heap. */
  Path file() {
    return files == null ? null : files.file();
  }

  /**
   * Doubles the capacity: builds a map twice the size (a persisted shard in a grow file that
   * then replaces the shard's file), copies every row through {@code scratch} and swaps it in.
   * {@code rows} only names the count in the error of a shard that cannot grow any more.
   */
  void grow(long rows, RowBuffer scratch) {
    if (capacity > StorageOptions.MAX_EXPECTED_ENTRIES / 2) {
      throw new IllegalStateException("sparse shard full: rows=" + rows + " (<= "
          + StorageOptions.MAX_EXPECTED_ENTRIES + "); use more servers");
    }
    long bigger = capacity * 2;
    ChronicleMap<Long, RowBuffer> next = files == null ? maps.create(bigger) : files.createGrowMap(maps, bigger);
    try {
      map.forEachEntry(e -> next.put(e.key().get(), e.value().getUsing(scratch)));
    } catch (RuntimeException e) {
      next.close();
      if (files != null) {
        files.discardGrowFile(bigger, e);
      }
      throw e;
    }
    map.close();
    map = next;
    capacity = bigger;
    generation++;
    if (files != null) {
      files.swapInGrowFile(bigger);
    }
  }

  /**
   * Swaps in an empty map at the first capacity. If a persisted shard's file cannot be
   * recreated, the shard is left closed and unlocked and the failure thrown: the caller must
   * treat the store as closed.
   */
  void clear() {
    ChronicleMap<Long, RowBuffer> old = map;
    map = null;
    old.close();
    capacity = initialCapacity;
    generation++;
    map = files == null ? maps.create(capacity) : files.recreate(maps, capacity);
  }

  /** Closes the map, then marks a persisted shard closed cleanly and unlocks it. Idempotent. */
  void close() {
    if (map == null) {
      return;
    }
    map.close();
    map = null;
    if (files != null) {
      files.closed(capacity);
    }
  }

  /** Closes the map and deletes a persisted shard's files. */
  void destroy() {
    close();
    if (files != null) {
      files.deleteAll();
    }
  }
}
