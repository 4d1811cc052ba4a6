package io.sparkps.ml.streaming;

import io.sparkps.ml.SparseExample;
import org.apache.spark.api.java.JavaRDD;

/** {@link BatchRows#checked}: rows with nothing skipped. Immutable. */
record CheckedBatchRows(JavaRDD<SparseExample> rows, long numFeatures) implements BatchRows {

  @Override
  public long invalidRows() {
    return 0;
  }

  @Override
  public String firstProblem() {
    return "";
  }
}
