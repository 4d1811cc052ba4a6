package io.sparkps.core.client;

import java.util.List;

/**
 * Keys checked and split by shard and frame once, for calls that send the same keys again and
 * again: a mini-batch trained every epoch pulls and pushes the same sorted keys each time, and
 * splitting them (a hash and a ring lookup per key, per-shard copies) was half of a training
 * task's CPU in a profile. Made by {@link Table#slices(long[])}; {@link Table#pullInto(KeySlices,
 * float[], int)} and {@link Worker#pushAsync(Table, KeySlices, float[], int)} take it in place of
 * the key array. Bound to the table (and the client's frame limit) it was made for: another table
 * refuses it. With one shard the caller's key array is kept, not copied: do not change it
 * afterwards. Immutable and thread-safe.
 */
public final class KeySlices {

  final int tableId;
  final int numShards;
  final int dim;
  final List<Slice> slices;
  private final int size;

  KeySlices(int tableId, int numShards, int dim, List<Slice> slices, int size) {
    this.tableId = tableId;
    this.numShards = numShards;
    this.dim = dim;
    this.slices = slices;
    this.size = size;
  }

  /** Number of keys. */
  public int size() {
    return size;
  }

  /** Approximate heap bytes (for callers that budget their caches). */
  public long bytes() {
    long b = 32 + 16L * slices.size();
    for (Slice s : slices) {
      b += 48 + 8L * s.keys.length + (s.hasPositions() ? 16 + 4L * s.keys.length : 0);
    }
    return b;
  }
}
