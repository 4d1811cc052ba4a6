package io.sparkps.ml.streaming;

import io.sparkps.ml.SparseExample;
import org.apache.spark.api.java.JavaRDD;

/**
 * One micro-batch's rows as training reads them, and what their conversion found once a job has
 * run over them: rows skipped as invalid (the first one described) and the feature vectors' size.
 */
public interface BatchRows {

  /** The converted rows, one partition per worker; lazy. */
  JavaRDD<SparseExample> rows();

  /** Rows skipped as invalid so far (a label other than 0/1, a non-finite value, ...). */
  long invalidRows();

  /** The first invalid row, described; empty without one. */
  String firstProblem();

  /** The largest feature vector size seen, or -1 before any row was converted. */
  long numFeatures();

  /**
   * Rows a learner converted and checked itself (none invalid) with vectors of {@code
   * numFeatures} features: for custom {@link OnlineLearner}s.
   */
  static BatchRows checked(JavaRDD<SparseExample> rows, long numFeatures) {
    return new CheckedBatchRows(rows, numFeatures);
  }
}
