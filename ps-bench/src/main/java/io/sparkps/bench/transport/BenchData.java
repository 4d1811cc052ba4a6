package io.sparkps.bench.transport;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The benchmark's deterministic data: the loaded dense row and sparse rows, the gradients pushed
 * and the key sets drawn. The loaded arrays are shared, never written after construction, so
 * they may be read from any thread.
 */
final class BenchData {

  final float[] dense;
  final long[] keys;
  /** Row {@code keys[i]} at {@code [i * dim, (i + 1) * dim)}. */
  final float[] values;

  private BenchData(float[] dense, long[] keys, float[] values) {
    this.dense = dense;
    this.keys = keys;
    this.values = values;
  }

  /** The dense row of {@code denseFloats} values and the sparse rows of keys 0..populatedKeys-1. */
  static BenchData load(TransportOptions o) {
    float[] dense = new float[o.denseFloats()];
    for (int i = 0; i < dense.length; i++) {
      dense[i] = value(i, 0);
    }
    long[] keys = new long[o.populatedKeys()];
    float[] values = new float[keys.length * o.dim()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
      for (int j = 0; j < o.dim(); j++) {
        values[i * o.dim() + j] = value(i, j + 1);
      }
    }
    return new BenchData(dense, keys, values);
  }

  /** The loaded value of (row or key {@code i}, column {@code j}); columns of dense rows use j = 0. */
  static float value(long i, int j) {
    return (float) (Math.floorMod(i * 7919 + j * 31, 2001) - 1000) / 1000f;
  }

  /** A fixed, small, mixed-sign gradient. */
  static float[] gradient(int n) {
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = 0.001f * ((i % 7) - 3);
    }
    return g;
  }

  /** {@code count} sets of {@code sparseKeys} distinct populated keys, each sorted. */
  static long[][] keySets(TransportOptions o, int count, SplittableRandom rnd) {
    int n = o.populatedKeys();
    int m = o.sparseKeys();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    long[][] sets = new long[count][];
    for (int s = 0; s < count; s++) {
      long[] set = new long[m];
      for (int i = 0; i < m; i++) {  // partial Fisher-Yates: perm stays a permutation
        int j = i + rnd.nextInt(n - i);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        set[i] = perm[i];
      }
      Arrays.sort(set);
      sets[s] = set;
    }
    return sets;
  }
}
