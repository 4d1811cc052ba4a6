package io.sparkps.ml.streaming;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.ClassicConversions$;
import org.apache.spark.sql.connector.read.streaming.ReportsSinkMetrics;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.sql.execution.streaming.Sink;

/**
 * The streaming query's sink: each micro-batch goes to {@link PsStreamingTrainer#train}, and the
 * newest micro-batch's figures go into the query's progress ({@code
 * query.lastProgress().sink().metrics()}, and every {@code StreamingQueryListener}). A sink
 * rather than {@code foreachBatch} because only a sink can report metrics to the progress.
 * Driver-side.
 */
final class TrainingSink implements Sink, ReportsSinkMetrics {

  private final PsStreamingTrainer<?> trainer;

  TrainingSink(PsStreamingTrainer<?> trainer) {
    this.trainer = trainer;
  }

  @Override
  public void addBatch(long batchId, Dataset<Row> data) {
    // The micro-batch's plan still contains the streaming source, which a new query on top of it
    // (the trainer's select) would refuse; like Spark's foreachBatch sink, read its already
    // planned rows as a plain relation. Internal API, checked at compile time against Spark 4.1.
    var impl = ClassicConversions$.MODULE$.castToImpl(data);
    var relation = LogicalRDD$.MODULE$.fromDataset(data.queryExecution().toRdd(), impl, false);
    Dataset<Row> batch = org.apache.spark.sql.classic.Dataset$.MODULE$.ofRows(
        ClassicConversions$.MODULE$.castToImpl(data.sparkSession()), relation);
    trainer.train(batch, batchId);
  }

  @Override
  public Map<String, String> metrics() {
    return trainer.progressMetrics();
  }

  @Override
  public String name() {
    return "spark-ps training of " + trainer.modelName();
  }

  @Override
  public String toString() {
    return name();
  }
}
