package io.sparkps.ml.classification;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * A trained linear model held without the parameter server: the bias and the non-zero weights,
 * as sorted (index, value) pairs, or as a dense array when most of the {@code numFeatures} weights
 * are non-zero. A 2^27-feature model with few non-zeros stays small. Immutable.
 */
public final class LrWeights implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long numFeatures;
  private final double bias;
  private final long[] indices;
  private final float[] values;
  /** Non-null when dense: dense[j] is feature j's weight. */
  private final float[] dense;

  private LrWeights(long numFeatures, double bias, long[] indices, float[] values, float[] dense) {
    this.numFeatures = numFeatures;
    this.bias = bias;
    this.indices = indices;
    this.values = values;
    this.dense = dense;
  }

  /**
   * From sorted keys and their weights as pulled from the servers (key -1 is the bias); zeros are
   * dropped; dense when more than half the features have a weight and the array fits.
   */
  public static LrWeights of(long numFeatures, long[] keys, float[] weights) {
    double bias = 0;
    int nnz = 0;
    long[] idx = new long[keys.length];
    float[] val = new float[keys.length];
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == LocalBatch.BIAS_KEY) {
        bias = weights[i];
      } else if (weights[i] != 0) {
        if (keys[i] < 0 || keys[i] >= numFeatures) {
          throw new IllegalArgumentException("weight for a feature outside the model: index=" + keys[i]
              + " ([0, " + numFeatures + "))");
        }
        idx[nnz] = keys[i];
        val[nnz++] = weights[i];
      }
    }
    if (nnz > numFeatures / 2 && numFeatures <= Integer.MAX_VALUE - 8) {
      float[] dense = new float[(int) numFeatures];
      for (int i = 0; i < nnz; i++) {
        dense[(int) idx[i]] = val[i];
      }
      return new LrWeights(numFeatures, bias, null, null, dense);
    }
    return new LrWeights(numFeatures, bias, Arrays.copyOf(idx, nnz), Arrays.copyOf(val, nnz), null);
  }

  public long numFeatures() {
    return numFeatures;
  }

  public double bias() {
    return bias;
  }

  public boolean isDense() {
    return dense != null;
  }

  /** Number of non-zero feature weights. */
  public int nonZeros() {
    if (dense == null) {
      return indices.length;
    }
    int n = 0;
    for (float v : dense) {
      n += v != 0 ? 1 : 0;
    }
    return n;
  }

  /** Sorted indices of the non-zero weights. */
  public long[] indices() {
    if (dense == null) {
      return indices.clone();
    }
    long[] out = new long[nonZeros()];
    for (int j = 0, n = 0; j < dense.length; j++) {
      if (dense[j] != 0) {
        out[n++] = j;
      }
    }
    return out;
  }

  /** The non-zero weights, in {@link #indices()} order. */
  public float[] values() {
    if (dense == null) {
      return values.clone();
    }
    float[] out = new float[nonZeros()];
    for (int j = 0, n = 0; j < dense.length; j++) {
      if (dense[j] != 0) {
        out[n++] = dense[j];
      }
    }
    return out;
  }

  /** The weight of one feature (0 when absent). */
  public double weight(long feature) {
    if (dense != null) {
      return feature >= 0 && feature < dense.length ? dense[(int) feature] : 0;
    }
    int at = Arrays.binarySearch(indices, feature);
    return at >= 0 ? values[at] : 0;
  }

  /** bias + w . x for a spark.ml vector of size numFeatures. */
  public double margin(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException("feature vector has the wrong size: size=" + x.size()
          + " (the model was trained on " + numFeatures + " features)");
    }
    double z = bias;
    if (x instanceof SparseVector sv) {
      int[] xi = sv.indices();
      double[] xv = sv.values();
      for (int k = 0; k < xi.length; k++) {
        z += weight(xi[k]) * xv[k];
      }
    } else {
      double[] xv = ((DenseVector) x).values();
      for (int j = 0; j < xv.length; j++) {
        if (xv[j] != 0) {
          z += weight(j) * xv[j];
        }
      }
    }
    return z;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LrWeights w && numFeatures == w.numFeatures && bias == w.bias
        && Arrays.equals(indices(), w.indices()) && Arrays.equals(values(), w.values());
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(numFeatures) + Arrays.hashCode(indices());
  }

  @Override
  public String toString() {
    return "LrWeights{numFeatures=" + numFeatures + ", nonZeros=" + nonZeros() + ", bias=" + bias
        + (isDense() ? ", dense" : ", sparse") + "}";
  }
}
