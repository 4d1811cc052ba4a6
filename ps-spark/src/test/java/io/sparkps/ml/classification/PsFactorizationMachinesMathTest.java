package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.ml.SparseExample;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/** The FM math without Spark: the O(k nnz) score against the pairwise sum, the gradient against finite differences. */
class PsFactorizationMachinesMathTest {

  private static final int K = 3;
  private static final int DIM = K + 1;

  @Test
  void scoreMatchesTheExplicitPairwiseSum() {
    Random rnd = new Random(1);
    float[] rows = randomRows(rnd, 6);
    int[] slots = {1, 3, 4, 5};
    float[] x = {0.5f, -1.0f, 2.0f, 1.5f};
    double naive = rows[0];
    for (int i = 0; i < slots.length; i++) {
      naive += (double) rows[slots[i] * DIM] * x[i];
      for (int l = i + 1; l < slots.length; l++) {
        double dot = 0;
        for (int f = 1; f <= K; f++) {
          dot += (double) rows[slots[i] * DIM + f] * rows[slots[l] * DIM + f];
        }
        naive += dot * x[i] * (double) x[l];
      }
    }
    double fast = FmMath.score(rows[0], rows, DIM, slots, x, slots.length, new double[K]);
    assertEquals(naive, fast, 1e-9);
  }

  @Test
  void gradientMatchesFiniteDifferencesOfTheLoss() {
    Random rnd = new Random(2);
    SparseExample[] data = {
        new SparseExample(1, new long[] {0, 2, 5}, new float[] {1f, 0.5f, -2f}, 1.0),
        new SparseExample(0, new long[] {2, 3}, new float[] {1f, 1f}, 2.0),
        new SparseExample(1, new long[] {0, 3, 5}, new float[] {-1f, 0.25f, 1f}, 0.5)};
    LocalBatch mb = LocalBatch.of(data, 0, data.length);
    float[] rows = randomRows(rnd, mb.keys.length);
    double l2 = 0.1;
    float[] grad = new float[rows.length];
    FmMath.accumulate(mb, rows, DIM, grad, l2);
    for (int i = 0; i < rows.length; i++) {
      if (i < DIM && i > 0) {
        continue; // the bias row's factor columns are unused
      }
      float[] up = rows.clone();
      float[] down = rows.clone();
      float h = 1e-2f;
      up[i] += h;
      down[i] -= h;
      double numeric = (objective(mb, up, l2) - objective(mb, down, l2)) / (2 * h);
      assertEquals(numeric, grad[i], 2e-3, "coordinate " + i);
    }
    for (int f = 1; f < DIM; f++) {
      assertEquals(0f, grad[f], "no gradient on the bias row's factor columns");
    }
  }

  /** Summed weighted log loss plus, per example, l2/2 * ||row||^2 over the rows it touches (what the gradient follows). */
  private static double objective(LocalBatch mb, float[] rows, double l2) {
    double loss = FmMath.accumulate(mb, rows, DIM, new float[rows.length], 0);
    for (int r = 0; r < mb.size(); r++) {
      for (int s : mb.slots[r]) {
        for (int c = 0; c < DIM; c++) {
          loss += mb.weights[r] * l2 / 2 * rows[s * DIM + c] * rows[s * DIM + c];
        }
      }
    }
    return loss;
  }

  @Test
  void factorsScoreSparseAndDenseVectorsAlikeAndIgnoreUnseenFeatures() {
    Random rnd = new Random(3);
    long[] keys = {-1, 1, 2, 4};
    float[] rows = randomRows(rnd, keys.length);
    FmFactors sparse = FmFactors.of(1000, K, keys, rows);
    FmFactors dense = FmFactors.of(5, K, keys, rows);
    assertFalse(sparse.isDense());
    assertTrue(dense.isDense());
    assertArrayEquals(new long[] {1, 2, 4}, sparse.indices());
    assertArrayEquals(new long[] {1, 2, 4}, dense.indices());
    assertEquals(rows[0], sparse.bias(), 0.0);
    assertArrayEquals(java.util.Arrays.copyOfRange(rows, 3 * DIM, 4 * DIM), sparse.row(4));
    assertArrayEquals(java.util.Arrays.copyOfRange(rows, 3 * DIM, 4 * DIM), dense.row(4));
    assertArrayEquals(new float[DIM], sparse.row(3));
    assertArrayEquals(new float[DIM], dense.row(3));
    // features 1 and 4 are rows 1 and 3; feature 3 was never seen and contributes nothing
    double expected = FmMath.score(rows[0], rows, DIM, new int[] {1, 3}, new float[] {2f, -1f}, 2, new double[K]);
    Vector sv = Vectors.sparse(5, new int[] {1, 3, 4}, new double[] {2, 3, -1});
    assertEquals(expected, dense.score(sv), 1e-12);
    assertEquals(expected, dense.score(sv.toDense()), 1e-12);
    assertEquals(expected, sparse.score(Vectors.sparse(1000, new int[] {1, 3, 4}, new double[] {2, 3, -1})), 1e-12);
    assertEquals(dense, FmFactors.of(5, K, keys, rows));
    assertThrows(IllegalArgumentException.class, () -> sparse.score(sv), "wrong vector size");
    assertThrows(IllegalArgumentException.class, () -> FmFactors.of(3, K, keys, rows), "feature outside the model");
  }

  private static float[] randomRows(Random rnd, int n) {
    float[] rows = new float[n * DIM];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) (rnd.nextGaussian() * 0.5);
    }
    return rows;
  }
}
