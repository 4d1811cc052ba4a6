package io.sparkps.bench.scaling;

import io.sparkps.examples.data.SyntheticData;
import java.util.Arrays;

/**
 * One worker's mini-batches, generated before any clock starts (the shared generator costs a few
 * microseconds a row, which would otherwise dominate a worker's CPU on this 2-core machine): per
 * batch the distinct feature keys, sorted, with the bias key {@code D} last, and each row's features
 * as indices into them, so a batch's gradient is computed without hashing.
 */
final class BatchPlan {

  /** Per batch: distinct keys, ascending; the last is the bias key {@code D}. */
  final long[][] keys;
  /** Per batch: row i's features are {@code features[rowStart[i] .. rowStart[i + 1])}. */
  final int[][] rowStart;
  /** Per batch: indices into {@link #keys}. */
  final int[][] features;
  /** Per batch: each row's label, 0 or 1. */
  final float[][] labels;

  private BatchPlan(int batches) {
    keys = new long[batches][];
    rowStart = new int[batches][];
    features = new int[batches][];
    labels = new float[batches][];
  }

  /** {@code batches} batches of {@code rowsPerBatch} consecutive rows starting at {@code firstRow}. */
  static BatchPlan generate(SyntheticData data, long firstRow, int batches, int rowsPerBatch) {
    BatchPlan plan = new BatchPlan(batches);
    for (int b = 0; b < batches; b++) {
      SyntheticData.Row[] rows = new SyntheticData.Row[rowsPerBatch];
      long[] all = new long[rowsPerBatch * data.k() + 1];
      int n = 0;
      for (int i = 0; i < rowsPerBatch; i++) {
        rows[i] = data.row(firstRow + (long) b * rowsPerBatch + i);
        for (long f : rows[i].features()) {
          all[n++] = f;
        }
      }
      all[n++] = data.d(); // the bias: one more key every batch touches
      long[] distinct = distinctSorted(all, n);
      int[] start = new int[rowsPerBatch + 1];
      int[] idx = new int[rowsPerBatch * data.k()];
      float[] y = new float[rowsPerBatch];
      int at = 0;
      for (int i = 0; i < rowsPerBatch; i++) {
        start[i] = at;
        for (long f : rows[i].features()) {
          idx[at++] = Arrays.binarySearch(distinct, f);
        }
        y[i] = (float) rows[i].label();
      }
      start[rowsPerBatch] = at;
      plan.keys[b] = distinct;
      plan.rowStart[b] = start;
      plan.features[b] = Arrays.copyOf(idx, at);
      plan.labels[b] = y;
    }
    return plan;
  }

  int batches() {
    return keys.length;
  }

  /**
   * The mean logistic-loss gradient of batch {@code b} at {@code weights} (one float per key of the
   * batch, bias last), written into {@code grad}: what a sparse-LR worker pushes.
   */
  void gradient(int b, float[] weights, float[] grad) {
    int[] start = rowStart[b];
    int[] idx = features[b];
    float[] y = labels[b];
    int bias = keys[b].length - 1;
    Arrays.fill(grad, 0, keys[b].length, 0f);
    float scale = 1f / y.length;
    for (int i = 0; i < y.length; i++) {
      double margin = weights[bias];
      for (int j = start[i]; j < start[i + 1]; j++) {
        margin += weights[idx[j]];
      }
      float g = (float) ((1 / (1 + Math.exp(-margin)) - y[i]) * scale);
      for (int j = start[i]; j < start[i + 1]; j++) {
        grad[idx[j]] += g;
      }
      grad[bias] += g;
    }
  }

  private static long[] distinctSorted(long[] values, int n) {
    Arrays.sort(values, 0, n);
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (m == 0 || values[m - 1] != values[i]) {
        values[m++] = values[i];
      }
    }
    return Arrays.copyOf(values, m);
  }
}
