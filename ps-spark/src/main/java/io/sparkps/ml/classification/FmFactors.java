package io.sparkps.ml.classification;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * A trained factorization machine held without the parameter server: the bias and, per feature
 * seen in training, a row of {@code k + 1} floats ({@code w_j}, then {@code v_j}). Kept as sorted
 * keys with their rows, or as one dense array when more than half of the {@code numFeatures}
 * features have a row. Immutable.
 */
public final class FmFactors implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long numFeatures;
  private final int factorSize;
  private final double bias;
  /** Sparse: sorted feature indices, and their rows flat in {@code rows}. Null when dense. */
  private final long[] keys;
  /** Sparse: keys.length rows; dense: numFeatures rows (absent features all zero). */
  private final float[] rows;

  private FmFactors(long numFeatures, int factorSize, double bias, long[] keys, float[] rows) {
    this.numFeatures = numFeatures;
    this.factorSize = factorSize;
    this.bias = bias;
    this.keys = keys;
    this.rows = rows;
  }

  /**
   * From sorted keys and their rows of {@code factorSize + 1} floats, row-major, as pulled from the
   * servers: key -1's column 0 is the bias (its other columns are unused); all-zero rows are
   * dropped; dense when more than half the features have a row and the array fits.
   */
  public static FmFactors of(long numFeatures, int factorSize, long[] keys, float[] values) {
    int dim = factorSize + 1;
    if (values.length != keys.length * dim) {
      throw new IllegalArgumentException("factor rows do not match the keys: values=" + values.length
          + " (keys " + keys.length + " x dim " + dim + ")");
    }
    double bias = 0;
    long[] idx = new long[keys.length];
    float[] flat = new float[values.length];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == LocalBatch.BIAS_KEY) {
        bias = values[i * dim];
      } else if (!allZero(values, i * dim, dim)) {
        if (keys[i] < 0 || keys[i] >= numFeatures) {
          throw new IllegalArgumentException("factors for a feature outside the model: index=" + keys[i]
              + " ([0, " + numFeatures + "))");
        }
        idx[n] = keys[i];
        System.arraycopy(values, i * dim, flat, n * dim, dim);
        n++;
      }
    }
    if (n > numFeatures / 2 && numFeatures * dim <= Integer.MAX_VALUE - 8) {
      float[] dense = new float[(int) (numFeatures * dim)];
      for (int i = 0; i < n; i++) {
        System.arraycopy(flat, i * dim, dense, (int) idx[i] * dim, dim);
      }
      return new FmFactors(numFeatures, factorSize, bias, null, dense);
    }
    return new FmFactors(numFeatures, factorSize, bias, Arrays.copyOf(idx, n), Arrays.copyOf(flat, n * dim));
  }

  private static boolean allZero(float[] a, int from, int len) {
    for (int i = from; i < from + len; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }

  public long numFeatures() {
    return numFeatures;
  }

  /** k: the length of each factor vector v_j. */
  public int factorSize() {
    return factorSize;
  }

  public double bias() {
    return bias;
  }

  public boolean isDense() {
    return keys == null;
  }

  /** Sorted indices of the features that have a (non-zero) row. */
  public long[] indices() {
    if (keys != null) {
      return keys.clone();
    }
    int dim = factorSize + 1;
    long[] out = new long[(int) numFeatures];
    int n = 0;
    for (int j = 0; j < numFeatures; j++) {
      if (!allZero(rows, j * dim, dim)) {
        out[n++] = j;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Feature j's row, {@code w_j} then {@code v_j} (zeros when absent). */
  public float[] row(long feature) {
    int dim = factorSize + 1;
    int slot = slot(feature);
    return slot < 0 ? new float[dim] : Arrays.copyOfRange(rows, slot * dim, slot * dim + dim);
  }

  /** The row index of a feature in {@code rows}, or -1 when it has none. */
  private int slot(long feature) {
    if (keys == null) {
      return feature >= 0 && feature < numFeatures ? (int) feature : -1;
    }
    int at = Arrays.binarySearch(keys, feature);
    return at >= 0 ? at : -1;
  }

  /** The FM score (log-odds) of a spark.ml vector of size numFeatures. */
  public double score(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException("feature vector has the wrong size: size=" + x.size()
          + " (the model was trained on " + numFeatures + " features)");
    }
    int nnz = x.numActives();
    int[] slots = new int[nnz];
    float[] values = new float[nnz];
    int n = 0;
    if (x instanceof SparseVector sv) {
      int[] xi = sv.indices();
      double[] xv = sv.values();
      for (int i = 0; i < xi.length; i++) {
        int s = slot(xi[i]);
        if (s >= 0 && xv[i] != 0) {
          slots[n] = s;
          values[n++] = (float) xv[i];
        }
      }
    } else {
      double[] xv = ((DenseVector) x).values();
      for (int j = 0; j < xv.length; j++) {
        int s = xv[j] != 0 ? slot(j) : -1;
        if (s >= 0) {
          slots[n] = s;
          values[n++] = (float) xv[j];
        }
      }
    }
    return FmMath.score(bias, rows, factorSize + 1, slots, values, n, new double[factorSize]);
  }

  /** The rows of {@link #indices()}, flat. */
  float[] values() {
    if (keys != null) {
      return rows.clone();
    }
    int dim = factorSize + 1;
    long[] idx = indices();
    float[] out = new float[idx.length * dim];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(rows, (int) idx[i] * dim, out, i * dim, dim);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FmFactors f && numFeatures == f.numFeatures && factorSize == f.factorSize
        && bias == f.bias && Arrays.equals(indices(), f.indices()) && Arrays.equals(values(), f.values());
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(numFeatures) + factorSize) + Arrays.hashCode(indices());
  }

  @Override
  public String toString() {
    return "FmFactors{numFeatures=" + numFeatures + ", k=" + factorSize + ", rows=" + indices().length
        + ", bias=" + bias + (isDense() ? ", dense" : ", sparse") + "}";
  }
}
