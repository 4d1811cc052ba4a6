package io.sparkps.ml.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.ml.classification.PsLogisticRegression;
import io.sparkps.ml.classification.PsLogisticRegressionModel;
import io.sparkps.ml.evaluation.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming trainer on local[2] with the plugin, reading parquet files as a file-source
 * stream (one file per micro-batch): a logistic regression that learns and whose snapshots and
 * live model follow training; and a counting model proving each row reaches the servers exactly
 * once across a micro-batch that fails half-applied and is replayed, Spark handing over a
 * committed micro-batch again, and a restart of the application on the same checkpoint location.
 */
class PsStreamingTrainerTest {

  private static final int ROWS_PER_FILE = 1_000;

  @TempDir
  Path tmp;

  static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("spark-ps-streaming-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", "io.sparkps.spark.PsPlugin")
        .config("spark.ps.train.maxAttempts", "1")
        .getOrCreate();
  }

  private static Dataset<Row> stream(SparkSession spark, Path dir) {
    return spark.readStream().schema(StreamRows.SCHEMA).option("maxFilesPerTrigger", 1).parquet(dir.toString());
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void logisticRegressionLearnsFromAStreamAndItsSnapshotsFollowTraining() throws Exception {
    SparkSession spark = session();
    try {
      Path in = tmp.resolve("in");
      StreamRows.writeFiles(spark, in, 0, 3, ROWS_PER_FILE);
      PsLogisticRegression lr = new PsLogisticRegression().setOptimizer("ftrl").setStepSize(0.3).setBatchSize(50)
          .setNumPartitions(2);
      PsStreamingTrainer<PsLogisticRegressionModel> trainer = PsStreamingTrainer.builder(lr).modelName("clicks")
          .checkpointLocation(tmp.resolve("ckpt").toString()).fullCheckpointEvery(2).build(spark);
      // A live model made before any micro-batch has nothing to score with yet, and says so.
      LiveModel<PsLogisticRegressionModel> early = trainer.liveModel(Duration.ofHours(1));
      assertFalse(early.ready());
      IllegalStateException none = assertThrows(IllegalStateException.class, early::current);
      assertTrue(none.getMessage().contains("no snapshot yet"), none.getMessage());
      StreamingQuery query = trainer.start(stream(spark, in));
      query.processAllAvailable();
      early.refresh();
      assertTrue(early.ready());
      early.close();

      assertEquals(3 * ROWS_PER_FILE, trainer.rowsTrained());
      List<MicroBatchStats> first = trainer.progress();
      assertEquals(List.of(0L, 1L, 2L), first.stream().map(MicroBatchStats::batchId).toList());
      for (MicroBatchStats s : first) {
        assertEquals(ROWS_PER_FILE, s.rows(), s.toString());
        assertFalse(s.replayed(), s.toString());
        assertTrue(s.logLoss() > 0 && s.logLoss() < 1, s.toString());
      }
      assertEquals(List.of(false, true, false), first.stream().map(MicroBatchStats::fullCheckpoint).toList());
      // The query's own progress carries the newest micro-batch's figures (what listeners see).
      java.util.Map<String, String> reported = java.util.Arrays.stream(query.recentProgress())
          .map(p -> p.sink().metrics()).filter(m -> "2".equals(m.get("batchId"))).findFirst()
          .orElseThrow(() -> new AssertionError("no progress reports micro-batch 2: "
              + java.util.Arrays.toString(query.recentProgress())));
      assertEquals(Long.toString(ROWS_PER_FILE), reported.get("rows"));
      assertEquals(Long.toString(3 * ROWS_PER_FILE), reported.get("rowsTrained"));
      assertEquals(first.get(2).appliedSeconds(), Double.parseDouble(reported.get("appliedSeconds")), 0.0005);
      assertTrue(Double.parseDouble(reported.get("appliedSecondsP99"))
          >= Double.parseDouble(reported.get("appliedSecondsP50")), reported.toString());

      Dataset<Row> heldOut = StreamRows.heldOut(spark, 2_000).cache();
      try (LiveModel<PsLogisticRegressionModel> live = trainer.liveModel(Duration.ofHours(1))) {
        double[] before = probabilities(live.current(), heldOut);
        StreamRows.writeFiles(spark, in, 3, 6, ROWS_PER_FILE);
        query.processAllAvailable();
        assertEquals(6 * ROWS_PER_FILE, trainer.rowsTrained());
        // The live model keeps its snapshot until refreshed, and then sees the new weights.
        assertArrayEquals(before, probabilities(live.current(), heldOut));
        double[] after = probabilities(live.refresh(), heldOut);
        assertFalse(java.util.Arrays.equals(before, after), "the weights changed with three more micro-batches");
      }
      query.stop();

      // It learned: the held-out logloss is well below the constant model's.
      PsLogisticRegressionModel model = trainer.snapshot();
      double[] labels = heldOut.select("label").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
      double rate = java.util.Arrays.stream(labels).average().orElseThrow();
      double constant = Metrics.logLoss(java.util.stream.DoubleStream.generate(() -> rate).limit(labels.length)
          .toArray(), labels);
      double learned = Metrics.logLoss(probabilities(model, heldOut), labels);
      assertTrue(learned < constant - 0.05, "learned " + learned + " vs constant " + constant);

      // The snapshot is a regular model: it saves, loads and predicts the same.
      String path = tmp.resolve("model").toString();
      model.write().save(path);
      PsLogisticRegressionModel loaded = PsLogisticRegressionModel.load(path);
      assertArrayEquals(probabilities(model, heldOut), probabilities(loaded, heldOut));

      // Spark handing a committed micro-batch over again changes nothing.
      long committed = trainer.committedBatch();
      assertEquals(5, committed);
      assertNull(trainer.train(spark.read().schema(StreamRows.SCHEMA).parquet(in.toString()), 4));
      assertEquals(6 * ROWS_PER_FILE, trainer.rowsTrained());
      assertArrayEquals(probabilities(model, heldOut), probabilities(trainer.snapshot(), heldOut));
    } finally {
      spark.stop();
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void everyRowIsCountedOnceAcrossAFailedMicroBatchAndARestartedApplication() throws Exception {
    Path in = tmp.resolve("in");
    String location = tmp.resolve("ckpt").toString();
    int files = 7;
    CountingEstimator counting = new CountingEstimator(files * ROWS_PER_FILE);
    SparkSession spark = session();
    try {
      StreamRows.writeFiles(spark, in, 0, 5, ROWS_PER_FILE);
      PsStreamingTrainer<float[]> trainer = PsStreamingTrainer.builder(counting).modelName("counted")
          .checkpointLocation(location).fullCheckpointEvery(2).build(spark);
      // Micro-batch 2 fails half-applied: worker 0's clock-3 pushes are on the servers, its clock is not.
      CountingEstimator.failSlot = 2;
      CountingEstimator.FAIL_ONCE.set(true);
      StreamingQuery failing = trainer.start(stream(spark, in));
      StreamingQueryException e = assertThrows(StreamingQueryException.class, failing::processAllAvailable);
      assertTrue(String.valueOf(e.getMessage()).contains("injected failure"), e.getMessage());
      assertFalse(CountingEstimator.FAIL_ONCE.get(), "the failure was injected");
      assertEquals(1, trainer.committedBatch());

      // The query restarted on the same checkpoint: Spark replays micro-batch 2, its training run resumes.
      StreamingQuery query = trainer.start(stream(spark, in));
      query.processAllAvailable();
      query.stop();
      assertEquals(4, trainer.committedBatch());
      assertCountedOnce(trainer.snapshot(), 5 * ROWS_PER_FILE);
      assertEquals(5 * ROWS_PER_FILE, trainer.rowsTrained());
    } finally {
      CountingEstimator.failSlot = -1;
      spark.stop();
    }

    // A new application on the same checkpoint location: its servers start empty.
    spark = session();
    try {
      StreamRows.writeFiles(spark, in, 5, files, ROWS_PER_FILE);
      PsStreamingTrainer<float[]> trainer = PsStreamingTrainer.builder(counting).modelName("counted")
          .checkpointLocation(location).fullCheckpointEvery(2).build(spark);
      // Full checkpoints after micro-batches 1 and 3; micro-batch 4 is trained again from its logged rows.
      assertEquals(4, trainer.committedBatch());
      List<MicroBatchStats> replayed = trainer.progress();
      assertEquals(List.of(4L), replayed.stream().map(MicroBatchStats::batchId).toList());
      assertTrue(replayed.get(0).replayed());
      assertEquals(ROWS_PER_FILE, replayed.get(0).rows());
      assertCountedOnce(trainer.snapshot(), 5 * ROWS_PER_FILE);

      StreamingQuery query = trainer.start(stream(spark, in));
      query.processAllAvailable();
      query.stop();
      assertEquals(files - 1, trainer.committedBatch());
      assertCountedOnce(trainer.snapshot(), files * ROWS_PER_FILE);
      assertEquals(files * ROWS_PER_FILE, trainer.rowsTrained());
      assertNotEquals(0, trainer.progress().size());
    } finally {
      spark.stop();
    }
  }

  /** Ids [0, n) counted exactly once, and no other. */
  private static void assertCountedOnce(float[] counts, int n) {
    for (int i = 0; i < counts.length; i++) {
      assertEquals(i < n ? 1f : 0f, counts[i], "count of row id " + i);
    }
  }

  private static double[] probabilities(PsLogisticRegressionModel model, Dataset<Row> rows) {
    return model.transform(rows).select("probability").collectAsList().stream()
        .mapToDouble(r -> ((Vector) r.get(0)).apply(1)).toArray();
  }

  private static void assertArrayEquals(double[] expected, double[] actual) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, 0.0);
  }
}
