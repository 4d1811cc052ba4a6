package io.sparkps.core.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Range layout of dense tables and the consistent-hash ring of sparse ones. */
class PartitionerTest {

  @ParameterizedTest
  @CsvSource({"1, 1", "10, 3", "100, 7", "7, 7", "3, 5", "1000003, 16"})
  void rangesCoverAllKeysContiguouslyAndEvenly(long numKeys, int numShards) {
    RangePartitioner p = new RangePartitioner(numKeys, numShards);
    assertEquals(numShards, p.numShards());
    long expectedStart = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int s = 0; s < numShards; s++) {
      assertEquals(expectedStart, p.start(s), "shard " + s);
      long size = p.end(s) - p.start(s);
      min = Math.min(min, size);
      max = Math.max(max, size);
      expectedStart = p.end(s);
    }
    assertEquals(numKeys, expectedStart, "ranges must end at numKeys");
    assertTrue(max - min <= 1, "sizes differ by more than one: min=" + min + ", max=" + max);
    long step = Math.max(1, numKeys / 5000);
    for (long k = 0; k < numKeys; k += step) {
      checkOwner(p, k);
    }
    checkOwner(p, numKeys - 1);
    for (int s = 0; s < numShards; s++) {
      if (p.end(s) > p.start(s)) {
        checkOwner(p, p.start(s));
        checkOwner(p, p.end(s) - 1);
      }
    }
  }

  private static void checkOwner(RangePartitioner p, long key) {
    int s = p.shardOf(key);
    assertTrue(p.start(s) <= key && key < p.end(s), "key=" + key + " shard=" + s);
  }

  @Test
  void ringLookupMatchesABruteForceSearchOfTheSamePoints() {
    int nodes = 5;
    int vnodes = HashRingPartitioner.DEFAULT_VIRTUAL_NODES;
    long[] hashes = new long[nodes * vnodes];
    int[] owner = new int[hashes.length];
    for (int node = 0, i = 0; node < nodes; node++) {
      for (int v = 0; v < vnodes; v++, i++) {
        hashes[i] = Hashing.mix64(((long) node << 32) ^ (v * Hashing.GOLDEN) ^ 0x5bd1e995L);
        owner[i] = node;
      }
    }
    HashRingPartitioner ring = new HashRingPartitioner(nodes, vnodes);
    java.util.Random rnd = new java.util.Random(3);
    for (int k = 0; k < 50_000; k++) {
      long key = k < 10 ? Long.MAX_VALUE - k : rnd.nextLong();
      long h = Hashing.mix64(key);
      // The owner of the smallest point >= h (unsigned), wrapping to the smallest point overall.
      int best = -1;
      int smallest = 0;
      for (int i = 0; i < hashes.length; i++) {
        if (Long.compareUnsigned(hashes[i], hashes[smallest]) < 0) {
          smallest = i;
        }
        if (Long.compareUnsigned(hashes[i], h) >= 0 && (best < 0 || Long.compareUnsigned(hashes[i], hashes[best]) < 0)) {
          best = i;
        }
      }
      org.junit.jupiter.api.Assertions.assertEquals(owner[best < 0 ? smallest : best], ring.shardOf(key), "key " + key);
    }
  }

  @Test
  void keysOutsideTheTableAreRejectedByName() {
    RangePartitioner p = new RangePartitioner(10, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.shardOf(10));
    assertEquals("key out of range: key=10 ([0, 10))", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.shardOf(-1));
    assertEquals("key out of range: key=-1 ([0, 10))", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> p.start(3));
    assertThrows(IllegalArgumentException.class, () -> new RangePartitioner(0, 1));
  }

  @Test
  void addingANodeMovesAQuarterOfTheKeysAllToTheNewNode() {
    int v = HashRingPartitioner.DEFAULT_VIRTUAL_NODES;
    HashRingPartitioner three = new HashRingPartitioner(new int[] {0, 1, 2}, v);
    HashRingPartitioner four = new HashRingPartitioner(new int[] {0, 1, 2, 3}, v);
    Random rnd = new Random(1);
    int n = 200_000;
    int moved = 0;
    for (int i = 0; i < n; i++) {
      long key = rnd.nextLong();
      int before = three.shardOf(key);
      int after = four.shardOf(key);
      assertTrue(before >= 0 && before < 3, "key=" + key + " before=" + before);
      assertTrue(after >= 0 && after < 4, "key=" + key + " after=" + after);
      if (before != after) {
        moved++;
        assertEquals(3, after, "a moved key must go to the new node: key=" + key);
      }
    }
    double fraction = moved / (double) n;
    assertTrue(fraction >= 0.20 && fraction <= 0.30, "moved fraction=" + fraction);
  }

  @Test
  void defaultVirtualNodesBalanceFourNodes() {
    HashRingPartitioner ring = new HashRingPartitioner(4, HashRingPartitioner.DEFAULT_VIRTUAL_NODES);
    assertEquals(4, ring.numShards());
    int[] load = new int[4];
    Random rnd = new Random(2);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      load[ring.shardOf(rnd.nextLong())]++;
    }
    double mean = n / 4.0;
    for (int node = 0; node < 4; node++) {
      assertEquals(mean, load[node], 0.25 * mean, "node " + node + " load");
    }
  }

  @Test
  void sequentialKeysSpreadToo() {
    HashRingPartitioner ring = new HashRingPartitioner(4, HashRingPartitioner.DEFAULT_VIRTUAL_NODES);
    int[] load = new int[4];
    for (long k = 0; k < 100_000; k++) {
      load[ring.shardOf(k)]++;
    }
    for (int node = 0; node < 4; node++) {
      assertEquals(25_000, load[node], 0.25 * 25_000, "node " + node + " load");
    }
  }

  @Test
  void ringRejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new HashRingPartitioner(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new HashRingPartitioner(new int[0], 10));
    assertThrows(IllegalArgumentException.class, () -> new HashRingPartitioner(new int[] {-1}, 10));
    assertThrows(IllegalArgumentException.class, () -> new HashRingPartitioner(2, 0));
  }
}
