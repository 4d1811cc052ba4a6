package io.sparkps.ml;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * One labelled, weighted row of sparse features: sorted distinct feature indices and their values.
 * The compact form training tasks keep in memory (no boxing). Immutable by convention: the arrays
 * are not copied.
 */
public record SparseExample(double label, long[] indices, float[] values, double weight) implements Serializable {

  /** A row of weight 1. */
  public SparseExample(double label, long[] indices, float[] values) {
    this(label, indices, values, 1.0);
  }

  /** From a spark.ml vector (sparse or dense; dense zeros are dropped), weight 1. */
  public static SparseExample of(double label, Vector features) {
    return of(label, features, 1.0);
  }

  /** From a spark.ml vector with an instance weight. */
  public static SparseExample of(double label, Vector features, double weight) {
    if (features instanceof SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      long[] indices = new long[idx.length];
      float[] values = new float[idx.length];
      for (int i = 0; i < idx.length; i++) {
        indices[i] = idx[i];
        values[i] = (float) val[i];
      }
      return new SparseExample(label, indices, values, weight);
    }
    double[] dense = features.toArray();
    int nnz = 0;
    for (double v : dense) {
      nnz += v != 0 ? 1 : 0;
    }
    long[] indices = new long[nnz];
    float[] values = new float[nnz];
    for (int i = 0, j = 0; i < dense.length; i++) {
      if (dense[i] != 0) {
        indices[j] = i;
        values[j++] = (float) dense[i];
      }
    }
    return new SparseExample(label, indices, values, weight);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseExample e && label == e.label && weight == e.weight
        && Arrays.equals(indices, e.indices) && Arrays.equals(values, e.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Double.hashCode(label) + Double.hashCode(weight)) + Arrays.hashCode(indices))
        + Arrays.hashCode(values);
  }
}
