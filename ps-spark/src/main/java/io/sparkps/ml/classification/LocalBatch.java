package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import java.util.Arrays;

/**
 * One mini-batch in the form the per-row math wants: the batch's distinct keys (sorted, as pulls
 * and pushes require, with the bias key first) and, for each row, the positions of its features in
 * that key list. Built once per batch and per fit ({@link PreparedBatches}); read-only once built,
 * so the tasks of later epochs share it.
 */
final class LocalBatch {

  /** The bias lives in the weight table under this key (feature indices are >= 0). */
  static final long BIAS_KEY = -1;

  final long[] keys;
  final int[][] slots;
  final float[][] values;
  final double[] labels;
  final double[] weights;

  private LocalBatch(long[] keys, int[][] slots, float[][] values, double[] labels, double[] weights) {
    this.keys = keys;
    this.slots = slots;
    this.values = values;
    this.labels = labels;
    this.weights = weights;
  }

  /**
   * Rows {@code [from, to)} as a batch: each feature index gets a provisional id on first sight
   * (one hash probe per occurrence), only the distinct keys are sorted, and the ids are then mapped
   * to their sorted positions.
   */
  static LocalBatch of(SparseExample[] rows, int from, int to) {
    int n = to - from;
    int total = 1;
    for (int r = from; r < to; r++) {
      total += rows[r].indices().length;
    }
    KeyIds ids = new KeyIds(total);
    ids.idOf(BIAS_KEY);
    int[][] slots = new int[n][];
    float[][] values = new float[n][];
    double[] labels = new double[n];
    double[] weights = new double[n];
    for (int r = 0; r < n; r++) {
      SparseExample row = rows[from + r];
      long[] idx = row.indices();
      int[] s = new int[idx.length];
      for (int i = 0; i < idx.length; i++) {
        s[i] = ids.idOf(idx[i]);
      }
      slots[r] = s;
      values[r] = row.values();
      labels[r] = row.label();
      weights[r] = row.weight();
    }
    long[] keys = ids.sortedKeys();
    int[] position = ids.positions(keys);
    for (int[] s : slots) {
      for (int i = 0; i < s.length; i++) {
        s[i] = position[s[i]];
      }
    }
    return new LocalBatch(keys, slots, values, labels, weights);
  }

  /** The sorted distinct keys of rows {@code [from, to)}, the bias key first. */
  static long[] keysOf(SparseExample[] rows, int from, int to) {
    int total = 1;
    for (int r = from; r < to; r++) {
      total += rows[r].indices().length;
    }
    long[] all = new long[total];
    all[0] = BIAS_KEY;
    int at = 1;
    for (int r = from; r < to; r++) {
      long[] idx = rows[r].indices();
      System.arraycopy(idx, 0, all, at, idx.length);
      at += idx.length;
    }
    Arrays.sort(all);
    int unique = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        all[unique++] = all[i];
      }
    }
    return Arrays.copyOf(all, unique);
  }

  /** Rough heap size: the keys, the slot and value arrays, the per-row fields and array headers. */
  long bytes() {
    long b = 16 + 8L * keys.length + 32L * labels.length;
    for (int r = 0; r < slots.length; r++) {
      b += 32 + 8L * slots[r].length;
    }
    return b;
  }

  int size() {
    return labels.length;
  }

  /** Sum of the rows' instance weights. */
  double totalWeight() {
    double w = 0;
    for (double x : weights) {
      w += x;
    }
    return w;
  }

  /**
   * Adds sparse per-example regularisation to {@code grad}: for every row, {@code l2 * w + l1 *
   * sign(w)} on the keys that row touches (the usual lazy form for sparse data: coordinates a row
   * does not touch are not shrunk by it).
   */
  void regularise(float[] w, float[] grad, double l1, double l2) {
    if (l1 == 0 && l2 == 0) {
      return;
    }
    for (int r = 0; r < slots.length; r++) {
      double rw = weights[r];
      for (int k : slots[r]) {
        grad[k] += (float) (rw * (l2 * w[k] + l1 * Math.signum(w[k])));
      }
    }
  }

  /** The bias key sorts first. */
  static int biasSlot() {
    return 0;
  }

  /**
   * Keys to ids in order of first sight, open addressing with linear probing; then the distinct
   * keys sorted, and each id's position among them. Build-time only.
   */
  private static final class KeyIds {
    /** A mini-batch's table starts big enough; a whole partition's (IPM, scoring) grows as keys come. */
    private static final int START_MAX = 1 << 16;
    private long[] table;
    private int[] ids;
    private long[] byId;
    private int mask;
    private int count;

    /** For at most {@code occurrences} keys. */
    KeyIds(int occurrences) {
      int cap = Math.min(START_MAX, Integer.highestOneBit(Math.max(4, occurrences) * 2));
      allocate(cap);
      byId = new long[Math.min(occurrences, cap)];
    }

    private void allocate(int cap) {
      table = new long[cap];
      ids = new int[cap];
      mask = cap - 1;
      Arrays.fill(ids, -1);
    }

    int idOf(long key) {
      long x = key * 0x9E3779B97F4A7C15L;
      for (int h = (int) (x ^ (x >>> 32)) & mask; ; h = (h + 1) & mask) {
        int id = ids[h];
        if (id < 0) {
          if (count == byId.length) {
            byId = Arrays.copyOf(byId, count * 2);
          }
          table[h] = key;
          ids[h] = count;
          byId[count] = key;
          if (++count > table.length / 2) {
            grow();
          }
          return count - 1;
        }
        if (table[h] == key) {
          return id;
        }
      }
    }

    /** Doubles the table, keeping load at most one half. */
    private void grow() {
      allocate(table.length * 2);
      for (int id = 0; id < count; id++) {
        long x = byId[id] * 0x9E3779B97F4A7C15L;
        int h = (int) (x ^ (x >>> 32)) & mask;
        while (ids[h] >= 0) {
          h = (h + 1) & mask;
        }
        table[h] = byId[id];
        ids[h] = id;
      }
    }

    long[] sortedKeys() {
      long[] keys = Arrays.copyOf(byId, count);
      Arrays.sort(keys);
      return keys;
    }

    /** {@code position[id]}: where id's key sits in {@code sorted}. */
    int[] positions(long[] sorted) {
      int[] position = new int[count];
      for (int i = 0; i < sorted.length; i++) {
        position[idOf(sorted[i])] = i;
      }
      return position;
    }
  }
}
