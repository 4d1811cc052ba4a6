package io.sparkps.bench.jmh;

import io.sparkps.core.partition.HashRingPartitioner;
import io.sparkps.core.partition.Hashing;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Choosing the shard of each key of a 10,000-key sparse request, as {@code Slice.split} does on
 * the caller's thread: ps-core's {@link HashRingPartitioner#shardOf} (unsigned binary search over
 * 160 points per shard) against a prototype of the recommended fix, the same ring with a
 * 4,096-entry table indexed by the top 12 bits of the hash and a short forward scan. The
 * prototype is checked in {@code @Setup} to give the same shard for every benchmark key.
 * Scores are keys per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PartitionerBench {

  static final int KEYS = 10_000;

  @Param({"1", "4"})
  public int shards;

  @Param({"HashRingPartitioner", "PrefixTable"})
  public String impl;

  private HashRingPartitioner ring;
  private PrefixRing prefix;
  private long[] keys;

  @Setup(Level.Trial)
  public void setUp() {
    ring = new HashRingPartitioner(shards, HashRingPartitioner.DEFAULT_VIRTUAL_NODES);
    prefix = new PrefixRing(shards, HashRingPartitioner.DEFAULT_VIRTUAL_NODES);
    keys = new SplittableRandom(3).longs(4L * KEYS, 0, 1_000_000).distinct().limit(KEYS).sorted().toArray();
    for (long k : keys) {
      if (ring.shardOf(k) != prefix.shardOf(k)) {
        throw new IllegalStateException("prototype disagrees with HashRingPartitioner: key=" + k);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(KEYS)
  public int shardOfEachKey() {
    int acc = 0;
    if (impl.equals("HashRingPartitioner")) {
      for (long k : keys) {
        acc += ring.shardOf(k);
      }
    } else {
      for (long k : keys) {
        acc += prefix.shardOf(k);
      }
    }
    return acc;
  }

  /** The ring of {@link HashRingPartitioner} (same points) with a prefix index. Immutable. */
  static final class PrefixRing {
    private static final int BITS = 12;
    private final long[] points;
    private final int[] owners;
    private final int[] first;

    PrefixRing(int numShards, int virtualNodes) {
      int n = numShards * virtualNodes;
      long[][] pts = new long[n][];
      int i = 0;
      for (int node = 0; node < numShards; node++) {
        for (int v = 0; v < virtualNodes; v++) {
          pts[i++] = new long[] {Hashing.mix64(((long) node << 32) ^ (v * Hashing.GOLDEN) ^ 0x5bd1e995L), node};
        }
      }
      Arrays.sort(pts, (x, y) -> Long.compareUnsigned(x[0], y[0]));
      points = new long[n];
      owners = new int[n];
      for (int k = 0; k < n; k++) {
        points[k] = pts[k][0];
        owners[k] = (int) pts[k][1];
      }
      first = new int[(1 << BITS) + 1];
      int p = 0;
      for (int b = 0; b < (1 << BITS); b++) {
        long lower = (long) b << (64 - BITS);
        while (p < n && Long.compareUnsigned(points[p], lower) < 0) {
          p++;
        }
        first[b] = p;
      }
      first[1 << BITS] = n;
    }

    int shardOf(long key) {
      long h = Hashing.mix64(key);
      int i = first[(int) (h >>> (64 - BITS))];
      long biased = h ^ Long.MIN_VALUE;
      while (i < points.length && (points[i] ^ Long.MIN_VALUE) < biased) {
        i++;
      }
      return owners[i == points.length ? 0 : i];
    }
  }
}
