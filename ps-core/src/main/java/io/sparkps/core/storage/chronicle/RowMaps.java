package io.sparkps.core.storage.chronicle;

import java.io.File;
import java.io.IOException;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Builds the Chronicle maps of one shard, so the first map, a grown one and a cleared one are
 * configured alike; only the number of entries changes (Chronicle seals the configuration when
 * the map is created, which is why growth means a new map). Immutable and thread-safe.
 */
final class RowMaps {

  /** Rows per Chronicle segment the store asks for (Chronicle's default is ~16k at 1M entries). */
  static final long SEGMENT_ENTRIES = 2048;

  static {
    // A persisted map's header names the value and marshaller classes. These classes were nested
    // in io.sparkps.core.storage.ChronicleShardStore when the format was written; writing and
    // reading the old names keeps files of format 1 opening after the move to this package.
    ClassAliasPool.CLASS_ALIASES.addAlias(RowBuffer.class, "io.sparkps.core.storage.ChronicleShardStore$RowBuffer");
    ClassAliasPool.CLASS_ALIASES.addAlias(RowMarshaller.class,
        "io.sparkps.core.storage.ChronicleShardStore$RowMarshaller");
  }

  private final String table;
  private final int width;

  /** Maps for table {@code table} whose rows hold {@code width} floats. */
  RowMaps(String table, int width) {
    this.table = table;
    this.width = width;
  }

  /** A map in native memory, gone on close. */
  ChronicleMap<Long, RowBuffer> create(long entries) {
    return builder(entries).create();
  }

  /** A new map in {@code file}, which must not hold one. */
  ChronicleMap<Long, RowBuffer> createPersisted(File file, long entries) throws IOException {
    return builder(entries).createPersistedTo(file);
  }

  /**
   * The map in {@code file}. After a crash Chronicle's segment locks may still look held, so a
   * file not closed cleanly goes through recovery, which resets them.
   */
  ChronicleMap<Long, RowBuffer> reopen(File file, long entries, boolean clean) throws IOException {
    return clean ? builder(entries).createPersistedTo(file) : builder(entries).recoverPersistedTo(file, true);
  }

  private ChronicleMapBuilder<Long, RowBuffer> builder(long entries) {
    ChronicleMapBuilder<Long, RowBuffer> b = ChronicleMap.of(Long.class, RowBuffer.class)
        .name("sparkps-" + table)
        .valueMarshaller(RowMarshaller.INSTANCE)
        .constantValueSizeBySample(new RowBuffer(width))
        .entries(entries)
        .putReturnsNull(true);
    // Small segments let a scan batch take whole segments (see SegmentScan); at most 2^16 of them.
    long perSegment = Math.max(SEGMENT_ENTRIES, entries >> 16);
    return entries > perSegment ? b.entriesPerSegment(perSegment) : b;
  }
}
