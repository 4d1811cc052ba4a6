package io.sparkps.core.partition;

import static io.sparkps.core.check.Checks.requireArgument;

import java.util.Arrays;

/**
 * A consistent-hash ring: each node owns {@code virtualNodes} points on a 64-bit ring and a key
 * belongs to the first point at or after its hash. Adding a node moves about 1/(n+1) of the keys,
 * all of them to the new node. Used to place sparse keys on shards. Immutable and thread-safe.
 */
public final class HashRingPartitioner implements Partitioner {

  /** Enough points that shard loads stay within a few percent of each other. */
  public static final int DEFAULT_VIRTUAL_NODES = 160;

  /** Hash-prefix bits of the index that replaces the binary search (4,096 buckets). */
  private static final int PREFIX_BITS = 12;

  private final int numShards;
  private final long[] points;
  private final int[] owners;
  /** first[b]: the first point whose top PREFIX_BITS are >= b; a lookup then a short scan. */
  private final int[] first;

  /** A ring over nodes {@code 0 .. numShards-1}. */
  public HashRingPartitioner(int numShards, int virtualNodes) {
    this(range(numShards), virtualNodes);
  }

  /** A ring over the given node ids (distinct, >= 0); {@link #shardOf} returns one of them. */
  public HashRingPartitioner(int[] nodeIds, int virtualNodes) {
    requireArgument(nodeIds.length > 0, "hash ring needs nodes: nodes=%s (> 0)", nodeIds.length);
    requireArgument(virtualNodes > 0 && virtualNodes <= 4096,
        "virtual nodes out of range: virtualNodes=%s ([1, 4096])", virtualNodes);
    int n = nodeIds.length * virtualNodes;
    long[] packedHash = new long[n];
    int[] packedOwner = new int[n];
    Integer[] order = new Integer[n];
    int i = 0;
    int max = -1;
    for (int node : nodeIds) {
      requireArgument(node >= 0, "hash ring node ids must be >= 0: node=%s", node);
      max = Math.max(max, node);
      for (int v = 0; v < virtualNodes; v++) {
        packedHash[i] = Hashing.mix64(((long) node << 32) ^ (v * Hashing.GOLDEN) ^ 0x5bd1e995L);
        packedOwner[i] = node;
        order[i] = i;
        i++;
      }
    }
    Arrays.sort(order, (x, y) -> Long.compareUnsigned(packedHash[x], packedHash[y]));
    this.points = new long[n];
    this.owners = new int[n];
    for (int k = 0; k < n; k++) {
      points[k] = packedHash[order[k]];
      owners[k] = packedOwner[order[k]];
    }
    this.numShards = max + 1;
    this.first = new int[(1 << PREFIX_BITS) + 1];
    int p = 0;
    for (int b = 0; b < (1 << PREFIX_BITS); b++) {
      long lower = (long) b << (64 - PREFIX_BITS);
      while (p < n && Long.compareUnsigned(points[p], lower) < 0) {
        p++;
      }
      first[b] = p;
    }
    first[1 << PREFIX_BITS] = n;
  }

  private static int[] range(int n) {
    requireArgument(n > 0, "hash ring needs shards: numShards=%s (> 0)", n);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return ids;
  }

  @Override
  public int numShards() {
    return numShards;
  }

  @Override
  public int shardOf(long key) {
    long h = Hashing.mix64(key);
    // First point >= h (unsigned): jump to h's prefix bucket, then scan the few points in it.
    int i = first[(int) (h >>> (64 - PREFIX_BITS))];
    long biased = h ^ Long.MIN_VALUE;
    while (i < points.length && (points[i] ^ Long.MIN_VALUE) < biased) {
      i++;
    }
    return owners[i == points.length ? 0 : i];
  }

  @Override
  public String toString() {
    return "HashRingPartitioner{nodes=" + numShards + ", points=" + points.length + "}";
  }
}
