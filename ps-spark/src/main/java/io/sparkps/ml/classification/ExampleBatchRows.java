package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.ml.streaming.BatchRows;
import io.sparkps.spark.PsContext;
import org.apache.spark.api.java.JavaRDD;

/**
 * A micro-batch's rows for the online learners: {@link DatasetExamples}' conversion (bad rows
 * skipped and counted, not failed: a stream must go on past them) spread over the workers. What
 * the conversion found is read from its accumulator once a job has run. Driver-side.
 */
final class ExampleBatchRows implements BatchRows {

  private final DatasetExamples examples;
  private final JavaRDD<SparseExample> rows;

  private ExampleBatchRows(DatasetExamples examples, JavaRDD<SparseExample> rows) {
    this.examples = examples;
    this.rows = rows;
  }

  /** {@code examples} (a micro-batch's) on {@code numPartitions} workers (0: its own partitions, capped at the slots). */
  static ExampleBatchRows of(PsContext ps, DatasetExamples examples, int numPartitions) {
    return new ExampleBatchRows(examples, TrainingPartitions.spread(ps, examples.rows(), numPartitions));
  }

  @Override
  public JavaRDD<SparseExample> rows() {
    return rows;
  }

  @Override
  public long invalidRows() {
    return examples.findings().invalidRows();
  }

  @Override
  public String firstProblem() {
    DatasetExamples.Findings.Report r = examples.findings();
    return r.first() == null ? "" : "partition " + r.first().partition() + ", row " + r.first().row() + ": "
        + r.firstProblem();
  }

  @Override
  public long numFeatures() {
    DatasetExamples.Findings.Report r = examples.findings();
    return r.largest() == null ? -1 : r.largest().size();
  }
}
