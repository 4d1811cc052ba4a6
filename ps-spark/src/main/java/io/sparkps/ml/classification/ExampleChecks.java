package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.InvalidTrainingDataException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What makes a training row unusable for the binary classifiers, each problem phrased with the
 * column (or field) name, the bad value and what to do: a label other than 0 or 1, a non-finite or
 * negative instance weight, a feature value that is NaN, infinite or beyond float range, a feature
 * index outside the vector. Used by the estimators' conversion pass ({@link DatasetExamples}) and,
 * for {@link SparseExample} input, by the training tasks ({@link #read}). Stateless.
 */
final class ExampleChecks {

  private ExampleChecks() {}

  /** Null when {@code label} is 0 or 1, else what is wrong with it. */
  static String label(String name, double label) {
    if (label == 0 || label == 1) {
      return null;
    }
    return name + " has " + label + ": labels must be 0 or 1 for binary classification (map them to 0/1, e.g. "
        + "with StringIndexer or a comparison, or filter those rows)";
  }

  /** Null when {@code weight} is finite and >= 0, else what is wrong with it. */
  static String weight(String name, double weight) {
    if (Double.isFinite(weight) && weight >= 0) {
      return null;
    }
    return name + " has " + weight + ": instance weights must be finite and >= 0 (fix or filter those rows)";
  }

  /**
   * Null when feature {@code index} of a vector of {@code size} features has a usable value, else
   * what is wrong; {@code size} < 0 means no upper bound is known.
   */
  static String feature(String name, long index, double value, long size) {
    if (index < 0 || (size >= 0 && index >= size)) {
      return name + " has index " + index + " outside [0, " + (size >= 0 ? size : "inf") + "): feature indices "
          + "must be >= 0" + (size >= 0 ? " and below the vector's size" : "") + " (fix or filter those rows)";
    }
    if (!Float.isFinite((float) value)) {
      String what = Double.isNaN(value) ? "NaN" : Double.isFinite(value) ? value + " (beyond float range)" : "" + value;
      return name + " has " + what + " at index " + index + ": feature values must be finite (impute missing "
          + "values, e.g. with Imputer, or filter those rows)";
    }
    return null;
  }

  /** Null when the example is usable, else what is wrong with its first bad field. */
  static String problem(SparseExample e) {
    if (e == null) {
      return "the SparseExample is null (filter null rows out)";
    }
    String p = label("label", e.label());
    if (p == null) {
      p = weight("weight", e.weight());
    }
    if (p != null) {
      return "SparseExample " + p;
    }
    long[] idx = e.indices();
    float[] val = e.values();
    if (idx == null || val == null || idx.length != val.length) {
      return "SparseExample has " + (idx == null ? "null indices" : val == null ? "null values"
          : idx.length + " indices but " + val.length + " values") + ": every feature needs an index and a value";
    }
    for (int i = 0; i < idx.length; i++) {
      p = feature("features", idx[i], val[i], -1);
      if (p != null) {
        return "SparseExample " + p;
      }
    }
    return null;
  }

  /**
   * A training task's rows, checked: fails with an {@link InvalidTrainingDataException} (which
   * {@code PsContext.train} does not retry) naming the first bad row of the partition.
   */
  static SparseExample[] read(Iterator<SparseExample> rows, int partition) {
    List<SparseExample> list = new ArrayList<>();
    long row = 0;
    while (rows.hasNext()) {
      SparseExample e = rows.next();
      String p = problem(e);
      if (p != null) {
        throw new InvalidTrainingDataException("invalid training data in partition " + partition + ", row " + row
            + " (counting from 0): " + p);
      }
      list.add(e);
      row++;
    }
    return list.toArray(new SparseExample[0]);
  }
}
