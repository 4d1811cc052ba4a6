package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.ml.streaming.MicroBatchStats;
import io.sparkps.ml.streaming.PsStreamingTrainer;
import io.sparkps.spark.PsPlugin;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PsFactorizationMachines trained online through PsStreamingTrainer on local[2]: a file stream of
 * parquet files, one per micro-batch, reaches the model row for row, the model learns, and its
 * snapshot is a regular model that saves, loads and predicts the same.
 */
class FmOnlineTest {

  private static final int FILES = 4;
  private static final int ROWS_PER_FILE = 4_000;

  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ps-fm-online-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", PsPlugin.class.getName()).getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void trainsEveryStreamedRowOnceLearnsAndSnapshotsARegularModel() throws Exception {
    String input = dir.resolve("input").toString();
    Dataset<Row> all = PsFactorizationMachinesTest.interactions(spark, FILES * ROWS_PER_FILE + 4_000, 42).cache();
    Dataset<Row>[] parts = all.randomSplit(new double[] {1, 1, 1, 1, 1}, 7);
    long written = 0;
    Dataset<Row> trainRows = parts[0];
    for (int f = 0; f < FILES; f++) {
      written += parts[f].count();
      trainRows = f == 0 ? trainRows : trainRows.union(parts[f]);
      // One file per append: maxFilesPerTrigger 1 then makes each file a micro-batch.
      parts[f].coalesce(1).write().mode(SaveMode.Append).parquet(input);
    }
    Dataset<Row> test = parts[FILES].cache();
    Dataset<Row> stream = spark.readStream().schema(spark.read().parquet(input).schema())
        .option("maxFilesPerTrigger", 1).parquet(input);

    PsStreamingTrainer<PsFactorizationMachinesModel> trainer = PsStreamingTrainer
        .builder(new PsFactorizationMachines().setFactorSize(4).setInitStd(0.1).setBatchSize(256).setStepSize(0.1))
        .modelName("fm-online").checkpointLocation(dir.resolve("stream").toString()).fullCheckpointEvery(2)
        .build(spark);
    StreamingQuery query = trainer.start(stream, Trigger.AvailableNow());
    assertTrue(query.awaitTermination(180_000), "the stream of " + FILES + " files ends within 3 minutes");
    assertTrue(query.exception().isEmpty(), () -> "query failed: " + query.exception().get());

    List<MicroBatchStats> progress = trainer.progress();
    progress.forEach(s -> System.out.println(s));
    assertEquals(FILES, progress.size(), "one micro-batch per file: " + progress);
    for (MicroBatchStats s : progress) {
      assertTrue(s.rows() > 0 && s.invalidRows() == 0 && !s.replayed(), s.toString());
      assertTrue(Double.isFinite(s.logLoss()), "progressive logloss measured: " + s);
    }
    assertEquals(written, trainer.rowsTrained(), "every written row trained once");
    assertEquals(written, progress.stream().mapToLong(MicroBatchStats::rows).sum());
    assertEquals(FILES - 1, trainer.committedBatch());

    PsFactorizationMachinesModel model = trainer.snapshot();
    assertEquals(4, model.getFactorSize());
    double constant = constantLogLoss(trainRows, test);
    double fm = logLoss(model.transform(test));
    System.out.printf("held-out logloss: streamed FM %.4f, constant %.4f%n", fm, constant);
    assertTrue(fm < constant - 0.1, "streamed FM " + fm + " clearly below the constant model's " + constant);

    String path = dir.resolve("model").toString();
    model.save(path);
    PsFactorizationMachinesModel loaded = PsFactorizationMachinesModel.load(path);
    assertEquals(model.factors(), loaded.factors());
    List<Row> before = model.transform(test).select("probability", "prediction").collectAsList();
    List<Row> after = loaded.transform(test).select("probability", "prediction").collectAsList();
    assertFalse(before.isEmpty());
    assertEquals(before, after, "the loaded snapshot predicts identically");
    all.unpersist();
    test.unpersist();
  }

  /** Held-out logloss of predicting the training rows' base rate everywhere. */
  private static double constantLogLoss(Dataset<Row> train, Dataset<Row> test) {
    double rate = train.agg(org.apache.spark.sql.functions.avg("label")).first().getDouble(0);
    double sum = 0;
    List<Row> labels = test.select("label").collectAsList();
    for (Row r : labels) {
      sum -= r.getDouble(0) > 0.5 ? Math.log(rate) : Math.log(1 - rate);
    }
    return sum / labels.size();
  }

  private static double logLoss(Dataset<Row> scored) {
    double sum = 0;
    List<Row> rows = scored.select("label", "probability").collectAsList();
    for (Row r : rows) {
      double p = Math.min(Math.max(((Vector) r.get(1)).apply(1), 1e-15), 1 - 1e-15);
      sum -= r.getDouble(0) > 0.5 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / rows.size();
  }
}
