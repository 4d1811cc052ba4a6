package io.sparkps.core.storage.chronicle;

import io.sparkps.core.storage.RecordSink;
import java.util.Arrays;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Scans a sparse shard by Chronicle segment, keeping the sorted keys of the one segment a scan is
 * in the middle of. Chronicle Map has no stable order to resume an iteration from, but its
 * segments are: a cursor {@code (segment << 32) | position} can name a place in them, as long as
 * a segment split across calls is read from a snapshot of its keys. NOT thread-safe: owned by
 * one store.
 */
final class SegmentScan {

  private long[] keys;
  private long cursor = -1;
  private long generation = -1;

  /**
   * Visits up to {@code maxRows} rows of {@code map} from {@code cursor} and returns the next
   * cursor, or -1 at the end (see {@link ChronicleShardStore#scan} for what is guaranteed).
   * {@code generation} identifies the map, so a snapshot of a replaced map is never reused.
   */
  long scan(ChronicleMap<Long, RowBuffer> map, long generation, long cursor, int maxRows, RowBuffer scratch,
      RecordSink sink) {
    int segments = map.segments();
    long seg = cursor >>> 32;
    long pos = cursor & 0xFFFF_FFFFL;
    int emitted = 0;
    while (seg < segments && emitted < maxRows) {
      long[] segmentKeys;
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
        segmentKeys = sortedKeys(map, (int) seg);
      } else if (keys != null && this.cursor == cursor && this.generation == generation) {
        segmentKeys = keys;
      } else {
        segmentKeys = sortedKeys(map, (int) seg);  // another scan's snapshot, or none: exact only if unchanged
      }
      while (pos < segmentKeys.length && emitted < maxRows) {
        long key = segmentKeys[(int) pos++];
        RowBuffer b = map.getUsing(key, scratch);
        if (b != null) {  // null: removed since the snapshot, skip it
          sink.record(key, b.version, b.row, 0);
          emitted++;
        }
      }
      if (pos < segmentKeys.length) {
        keys = segmentKeys;
        this.generation = generation;
        this.cursor = (seg << 32) | pos;
        return this.cursor;
      }
      keys = null;
      seg++;
      pos = 0;
    }
    return seg < segments ? seg << 32 : -1;
  }

  /** Drops the snapshot (the map was replaced or closed). */
  void reset() {
    keys = null;
  }

  private static long[] sortedKeys(ChronicleMap<Long, RowBuffer> map, int segment) {
    try (MapSegmentContext<Long, RowBuffer, ?> sc = map.segmentContext(segment)) {
      long[] keys = new long[(int) sc.size()];
      int[] n = {0};
      sc.forEachSegmentEntry(e -> keys[n[0]++] = e.key().get());
      Arrays.sort(keys);
      return keys;
    }
  }
}
