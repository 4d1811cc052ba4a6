package io.sparkps.core.client;

import io.sparkps.core.partition.Partitioner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The part of a request that goes to one shard in one frame: its keys, and where each key sat in
 * the caller's arrays so replies can be merged back in the caller's key order (ps-lite's slicer).
 * Immutable once built.
 */
final class Slice {

  final int shard;
  final long[] keys;
  /** Index of keys[i] in the caller's request. */
  final int[] positions;
  /** Whether positions are consecutive, so values move with one bulk copy. */
  private final boolean contiguous;

  private Slice(int shard, long[] keys, int[] positions) {
    this.shard = shard;
    this.keys = keys;
    this.positions = positions;
    this.contiguous = positions.length == 0
        || positions[positions.length - 1] - positions[0] == positions.length - 1;
  }

  /**
   * Splits {@code keys} by shard, then each shard's part into chunks of at most {@code maxKeys}
   * keys so no frame exceeds the frame limit. Shards without keys get no slice.
   */
  static List<Slice> split(long[] keys, Partitioner partitioner, int maxKeys) {
    int shards = partitioner.numShards();
    if (shards == 1) {
      return single(keys, partitioner, maxKeys);
    }
    int[] shardOf = new int[keys.length];
    int[] counts = new int[shards];
    for (int i = 0; i < keys.length; i++) {
      int s = partitioner.shardOf(keys[i]);
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
    for (int i = 0; i < keys.length; i++) {
      int s = shardOf[i];
      shardKeys[s][fill[s]] = keys[i];
      shardPos[s][fill[s]++] = i;
    }
    List<Slice> slices = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      for (int from = 0; from < counts[s]; from += maxKeys) {
        int to = Math.min(counts[s], from + maxKeys);
        slices.add(new Slice(s, Arrays.copyOfRange(shardKeys[s], from, to),
            Arrays.copyOfRange(shardPos[s], from, to)));
      }
    }
    return slices;
  }

  /** One shard: no hashing, and positions are the identity (bulk copies in gather/scatter). */
  private static List<Slice> single(long[] keys, Partitioner partitioner, int maxKeys) {
    if (keys.length > 0) {
      partitioner.shardOf(keys[0]); // validates the key (e.g. a dense table's range)
      partitioner.shardOf(keys[keys.length - 1]);
    }
    List<Slice> slices = new ArrayList<>();
    for (int from = 0; from < keys.length; from += maxKeys) {
      int to = Math.min(keys.length, from + maxKeys);
      int[] positions = new int[to - from];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = from + i;
      }
      slices.add(new Slice(0, from == 0 && to == keys.length ? keys : Arrays.copyOfRange(keys, from, to), positions));
    }
    return slices;
  }

  /** Copies this slice's rows out of the caller's {@code values}. */
  float[] gather(float[] values, int dim) {
    float[] out = new float[keys.length * dim];
    if (contiguous && keys.length > 0) {
      System.arraycopy(values, positions[0] * dim, out, 0, out.length);
    } else if (dim == 1) {
      for (int i = 0; i < positions.length; i++) {
        out[i] = values[positions[i]];
      }
    } else {
      for (int i = 0; i < positions.length; i++) {
        System.arraycopy(values, positions[i] * dim, out, i * dim, dim);
      }
    }
    return out;
  }

  /** Copies a reply's rows into their places in the caller's result. */
  void scatter(float[] reply, float[] result, int dim) {
    if (contiguous && keys.length > 0) {
      System.arraycopy(reply, 0, result, positions[0] * dim, reply.length);
    } else if (dim == 1) {
      for (int i = 0; i < positions.length; i++) {
        result[positions[i]] = reply[i];
      }
    } else {
      for (int i = 0; i < positions.length; i++) {
        System.arraycopy(reply, i * dim, result, positions[i] * dim, dim);
      }
    }
  }

  /** Copies reply flags into their places in the caller's result. */
  void scatter(boolean[] reply, boolean[] result) {
    for (int i = 0; i < positions.length; i++) {
      result[positions[i]] = reply[i];
    }
  }
}
