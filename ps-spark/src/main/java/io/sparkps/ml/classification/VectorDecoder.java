package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Reads a spark.ml vector straight from its internal row ({@code VectorUDT}'s layout: type byte, 0
 * sparse and 1 dense; size; indices; values) into a {@link SparseExample}'s arrays, checking every
 * feature on the way. Going through {@code Row} and {@code Vector} instead built a SparseVector per
 * row and boxed every index in its constructor's check: a quarter of a streaming micro-batch's
 * task time. After a {@code null} result, {@link #problem()} says what is wrong. Not thread-safe:
 * one per task.
 */
final class VectorDecoder {

  private static final byte SPARSE = 0;

  private final String name;
  private String problem;
  private long size;

  /** {@code name} names the vector column in problems. */
  VectorDecoder(String name) {
    this.name = name;
  }

  /** The example of {@code vector} (the column's internal row) with this label and weight, or null if it is unusable. */
  SparseExample decode(InternalRow vector, double label, double weight) {
    problem = null;
    int n = vector.getInt(1);
    size = n;
    return vector.getByte(0) == SPARSE ? sparse(vector.getArray(2), vector.getArray(3), n, label, weight)
        : dense(vector.getArray(3), label, weight);
  }

  /** What made the last {@link #decode} return null. */
  String problem() {
    return problem;
  }

  /** The last decoded vector's size. */
  long size() {
    return size;
  }

  private SparseExample sparse(ArrayData indices, ArrayData values, int n, double label, double weight) {
    int nnz = indices.numElements();
    if (values.numElements() != nnz) {
      problem = name + " holds a sparse vector with " + nnz + " indices but " + values.numElements() + " values";
      return null;
    }
    long[] idx = new long[nnz];
    float[] val = new float[nnz];
    int previous = -1;
    for (int i = 0; i < nnz; i++) {
      int k = indices.getInt(i);
      double x = values.getDouble(i);
      problem = ExampleChecks.feature(name, k, x, n);
      if (problem != null) {
        return null;
      }
      if (k <= previous) {
        problem = name + " has indices " + previous + " then " + k + ": a sparse vector's indices must be strictly "
            + "increasing (build it with Vectors.sparse)";
        return null;
      }
      previous = k;
      idx[i] = k;
      val[i] = (float) x;
    }
    return new SparseExample(label, idx, val, weight);
  }

  private SparseExample dense(ArrayData values, double label, double weight) {
    int n = values.numElements();
    size = n;
    int nnz = 0;
    for (int i = 0; i < n; i++) {
      double x = values.getDouble(i);
      problem = ExampleChecks.feature(name, i, x, n);
      if (problem != null) {
        return null;
      }
      nnz += x != 0 ? 1 : 0;
    }
    long[] idx = new long[nnz];
    float[] val = new float[nnz];
    for (int i = 0, j = 0; i < n; i++) {
      double x = values.getDouble(i);
      if (x != 0) {
        idx[j] = i;
        val[j++] = (float) x;
      }
    }
    return new SparseExample(label, idx, val, weight);
  }
}
