package io.sparkps.core.client;

import io.sparkps.core.partition.Partitioner;
import io.sparkps.core.protocol.ValuesTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The part of a request that goes to one shard in one frame: its keys, and where each key sat in
 * the caller's range of keys so replies can be merged back in the caller's key order (ps-lite's
 * slicer). A slice of consecutive keys (always the case with one shard) records only where it
 * starts, so the one-shard path allocates nothing per key. Immutable once built.
 */
final class Slice {

  final int shard;
  final long[] keys;
  /** Index in the caller's range of keys[0]; meaningful when {@link #positions} is null. */
  private final int start;
  /** Index in the caller's range of keys[i], or null when they are start, start + 1, ... */
  private final int[] positions;

  private Slice(int shard, long[] keys, int start, int[] positions) {
    this.shard = shard;
    this.keys = keys;
    this.start = start;
    this.positions = positions;
  }

  /** As {@link #split(long[], int, int, Partitioner, int)} over the whole array. */
  static List<Slice> split(long[] keys, Partitioner partitioner, int maxKeys) {
    return split(keys, 0, keys.length, partitioner, maxKeys);
  }

  /**
   * Splits {@code keys[from, to)} by shard, then each shard's part into chunks of at most
   * {@code maxKeys} keys so no frame exceeds the frame limit. Shards without keys get no slice.
   * Positions count from {@code from}.
   */
  static List<Slice> split(long[] keys, int from, int to, Partitioner partitioner, int maxKeys) {
    int shards = partitioner.numShards();
    if (shards == 1) {
      return single(keys, from, to, partitioner, maxKeys);
    }
    int n = to - from;
    int[] shardOf = new int[n];
    int[] counts = new int[shards];
    for (int i = 0; i < n; i++) {
      int s = partitioner.shardOf(keys[from + i]);
      shardOf[i] = s;
      counts[s]++;
    }
    long[][] shardKeys = new long[shards][];
    int[][] shardPos = new int[shards][];
    for (int s = 0; s < shards; s++) {
      shardKeys[s] = new long[counts[s]];
      shardPos[s] = new int[counts[s]];
    }
    int[] fill = new int[shards];
    for (int i = 0; i < n; i++) {
      int s = shardOf[i];
      shardKeys[s][fill[s]] = keys[from + i];
      shardPos[s][fill[s]++] = i;
    }
    List<Slice> slices = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      for (int a = 0; a < counts[s]; a += maxKeys) {
        int b = Math.min(counts[s], a + maxKeys);
        boolean whole = a == 0 && b == counts[s];
        int[] pos = whole ? shardPos[s] : Arrays.copyOfRange(shardPos[s], a, b);
        boolean consecutive = pos.length == 0 || pos[pos.length - 1] - pos[0] == pos.length - 1;
        long[] part = whole ? shardKeys[s] : Arrays.copyOfRange(shardKeys[s], a, b);
        slices.add(new Slice(s, part, pos.length == 0 ? 0 : pos[0], consecutive ? null : pos));
      }
    }
    return slices;
  }

  /** One shard: no hashing, consecutive positions, and the caller's key array itself when whole. */
  private static List<Slice> single(long[] keys, int from, int to, Partitioner partitioner, int maxKeys) {
    if (to > from) {
      partitioner.shardOf(keys[from]); // validates the key (e.g. a dense table's range)
      partitioner.shardOf(keys[to - 1]);
    }
    if (to - from <= maxKeys) {
      if (to == from) {
        return List.of();
      }
      long[] part = from == 0 && to == keys.length ? keys : Arrays.copyOfRange(keys, from, to);
      return List.of(new Slice(0, part, 0, null));
    }
    List<Slice> slices = new ArrayList<>();
    for (int a = from; a < to; a += maxKeys) {
      int b = Math.min(to, a + maxKeys);
      slices.add(new Slice(0, Arrays.copyOfRange(keys, a, b), a - from, null));
    }
    return slices;
  }

  /**
   * This slice's rows out of the caller's {@code values} (row 0 of the caller's range at
   * {@code offset}): with {@code share}, the array itself when the slice is all of it (the caller
   * keeps it unchanged until the request completes), otherwise a copy.
   */
  float[] gather(float[] values, int offset, int dim, boolean share) {
    int floats = keys.length * dim;
    if (positions == null) {
      int at = offset + start * dim;
      return share && at == 0 && floats == values.length ? values : Arrays.copyOfRange(values, at, at + floats);
    }
    float[] out = new float[floats];
    if (dim == 1) {
      for (int i = 0; i < positions.length; i++) {
        out[i] = values[offset + positions[i]];
      }
    } else {
      for (int i = 0; i < positions.length; i++) {
        System.arraycopy(values, offset + positions[i] * dim, out, i * dim, dim);
      }
    }
    return out;
  }

  /** Where a VALUES reply to this slice goes in the caller's {@code out} (row 0 at {@code offset}). */
  ValuesTarget target(float[] out, int offset, int dim) {
    return positions == null
        ? ValuesTarget.contiguous(out, offset + start * dim, keys.length, dim)
        : ValuesTarget.scattered(out, offset, positions, dim);
  }

  /** Whether this slice's keys are scattered over the caller's range (not consecutive). */
  boolean hasPositions() {
    return positions != null;
  }

  /** Copies reply flags into their places in the caller's result. */
  void scatter(boolean[] reply, boolean[] result) {
    if (reply.length != keys.length) {
      throw new IllegalStateException("reply holds " + reply.length + " flags, expected " + keys.length);
    }
    if (positions == null) {
      System.arraycopy(reply, 0, result, start, reply.length);
      return;
    }
    for (int i = 0; i < positions.length; i++) {
      result[positions[i]] = reply[i];
    }
  }
}
