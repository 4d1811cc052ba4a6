package io.sparkps.ml.classification;

/**
 * The per-row math of a second-order factorization machine (Rendle 2010), in plain loops. Rows of
 * factors are laid out flat, {@code dim = k + 1} floats each: column 0 is the linear weight
 * {@code w_j}, columns 1..k the factor {@code v_j}. The pairwise term uses the O(k * nnz) identity
 * {@code sum_{j<l} <v_j, v_l> x_j x_l = 0.5 * sum_f [(sum_j v_jf x_j)^2 - sum_j v_jf^2 x_j^2]}.
 * Plain loops measured faster than ND4J at this sparsity (a few dozen features per row). Stateless.
 */
final class FmMath {

  private FmMath() {}

  /**
   * Score of one row: {@code bias + sum_j w_j x_j + pairwise}, where feature {@code i} of the row
   * has its factors at row {@code slots[i]} of {@code rows}. Leaves {@code sums[f] = sum_j
   * v_j(f+1) x_j} (length k) for the gradient.
   */
  static double score(double bias, float[] rows, int dim, int[] slots, float[] values, int n, double[] sums) {
    java.util.Arrays.fill(sums, 0, dim - 1, 0.0);
    double linear = bias;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      int at = slots[i] * dim;
      double x = values[i];
      linear += rows[at] * x;
      for (int f = 1; f < dim; f++) {
        double vx = rows[at + f] * x;
        sums[f - 1] += vx;
        squares += vx * vx;
      }
    }
    double pairs = 0;
    for (int f = 0; f < dim - 1; f++) {
      pairs += sums[f] * sums[f];
    }
    return linear + 0.5 * (pairs - squares);
  }

  /**
   * Adds the summed (instance-weighted) log-loss gradient of the batch into {@code grad} (laid out
   * like {@code rows}, one row per key of the batch; the bias is column 0 of the bias key's row),
   * plus {@code l2 * param} per example on the rows it touches, and returns the summed loss.
   */
  static double accumulate(LocalBatch mb, float[] rows, int dim, float[] grad, double l2) {
    int biasAt = LocalBatch.biasSlot() * dim;
    double[] sums = new double[dim - 1];
    double loss = 0;
    for (int r = 0; r < mb.size(); r++) {
      int[] slots = mb.slots[r];
      float[] values = mb.values[r];
      double z = score(rows[biasAt], rows, dim, slots, values, slots.length, sums);
      double y = mb.labels[r];
      double weight = mb.weights[r];
      loss += weight * (y > 0.5 ? -LogisticMath.logSigmoid(z) : -LogisticMath.logSigmoid(-z));
      double g = weight * (LogisticMath.sigmoid(z) - y);
      double reg = weight * l2;
      grad[biasAt] += (float) g;
      for (int i = 0; i < slots.length; i++) {
        int at = slots[i] * dim;
        double x = values[i];
        double gx = g * x;
        grad[at] += (float) (gx + reg * rows[at]);
        for (int f = 1; f < dim; f++) {
          double v = rows[at + f];
          grad[at + f] += (float) (gx * (sums[f - 1] - v * x) + reg * v);
        }
      }
    }
    return loss;
  }
}
