package io.sparkps.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.ml.streaming.MicroBatchStats;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming example as {@code scripts/run-example stream} runs it, smaller, on local[2] with
 * the plugin: every training row reaches the model once, one micro-batch per file, and the
 * snapshot and the live model both score the held-out rows clearly better than the constant model.
 */
class StreamingExampleTest {

  @TempDir Path dir;

  @Test
  void streamsTheFilesIntoTheModelAndScoresWithTheSnapshotAndTheLiveModel() throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("stream-example-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", "io.sparkps.spark.PsPlugin").getOrCreate();
    StreamingExample.Result r;
    try {
      r = StreamingExample.run(spark, new Args(new String[] {"--n", "40000", "--files", "4",
          "--dir", dir.resolve("run").toString()}, StreamingExample.USAGE));
    } finally {
      spark.stop();
    }
    assertEquals(4, r.progress().size(), "one micro-batch per file: " + r.progress());
    assertEquals(r.trainingRows(), r.rowsTrained(), "every training row trained once");
    assertEquals(r.trainingRows(), r.progress().stream().mapToLong(MicroBatchStats::rows).sum());
    assertEquals(r.references().heldOutRows(), r.live().count(), "the scoring stream saw every held-out row");
    double constant = r.references().constant().logLoss();
    assertTrue(r.snapshot().logLoss() < constant - 0.05,
        "snapshot " + r.snapshot().logLoss() + " clearly below the constant model's " + constant);
    assertTrue(r.snapshot().logLoss() > r.references().bayes().logLoss(), "cannot beat the true model");
    // Nothing trains after the stream ended: the live model holds the snapshot's weights.
    assertEquals(r.snapshot().logLoss(), r.live().logLoss(), 1e-9, "live model and snapshot agree");
  }
}
