package io.sparkps.examples;

import io.sparkps.examples.data.ReferenceFigures;
import io.sparkps.examples.data.SyntheticData;
import io.sparkps.examples.data.SyntheticDataFrames;
import io.sparkps.ml.classification.PsFactorizationMachines;
import io.sparkps.ml.classification.PsLogisticRegression;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.ml.streaming.LiveModel;
import io.sparkps.ml.streaming.MicroBatchStats;
import io.sparkps.ml.streaming.OnlineEstimator;
import io.sparkps.ml.streaming.PsStreamingTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * Online training from a stream, end to end ({@code scripts/run-example stream}, docs/streaming.md):
 * writes the shared synthetic data's training rows as a few parquet files and its held-out rows as
 * two more, streams the training files one per micro-batch through {@link PsStreamingTrainer} with
 * a hand-built {@code foreachBatch} writer (printing each micro-batch's progress line), then scores
 * the held-out files as a second stream with a {@link LiveModel} inside {@code foreachBatch}, and
 * compares with a snapshot of the model and the constant and Bayes references. Both queries use
 * {@code Trigger.AvailableNow}: they process the files there are, then stop.
 */
public final class StreamingExample {

  static final String USAGE = String.join("\n",
      "Online training from a file stream on spark-ps. Options (defaults in brackets):",
      "  --n ROWS [100000]   --d FEATURES [2^18]   --k FEATURES_PER_ROW [30]   --seed [42]",
      "  --files F [5] training files, one micro-batch each   --model lr|fm [lr]",
      "  --partitions P [cores] workers per micro-batch   --batch B [512]   --lr [0.1] learning rate",
      "  --full-every N [2] micro-batches per full checkpoint",
      "  --dir DIR [a new temp dir] where the files, the stream checkpoint and the model's log go",
      "  --master URL [local[*] when not set by spark-submit]");

  /** What a run found (tests check it). */
  record Result(long trainingRows, long rowsTrained, List<MicroBatchStats> progress, Metrics.Evaluation snapshot,
      Metrics.Evaluation live, ReferenceFigures references) {}

  private StreamingExample() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, USAGE);
    SparkSession.Builder builder = SparkSession.builder().appName("spark-ps streaming");
    String master = args.string("master", null);
    if (master != null) {
      builder.master(master);
    } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
      builder.master("local[*]").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      run(spark, args);
    } finally {
      spark.stop();
    }
  }

  /** Writes the files, trains from them as a stream, scores, prints; returns the figures. */
  static Result run(SparkSession spark, Args args) throws StreamingQueryException, TimeoutException {
    SyntheticData gen = SyntheticData.of(args.longValue("n", 100_000), args.longValue("d", 1L << 18),
        args.intValue("k", 30), args.longValue("seed", 42));
    int files = args.intValue("files", 5);
    Path dir = baseDir(args.string("dir", null));
    String trainDir = dir.resolve("train").toString();
    String heldOutDir = dir.resolve("held-out").toString();

    // The files: one per partition, so each training file is a micro-batch (maxFilesPerTrigger 1).
    Dataset<Row> all = SyntheticDataFrames.generate(spark, gen, files);
    SyntheticDataFrames.training(all).drop("heldOut").write().parquet(trainDir);
    SyntheticDataFrames.heldOut(all).drop("heldOut").coalesce(2).write().parquet(heldOutDir);
    long trainingRows = spark.read().parquet(trainDir).count();
    StructType schema = spark.read().parquet(trainDir).schema();
    ReferenceFigures ref = ReferenceFigures.of(gen);
    System.out.printf(Locale.ROOT, "data: %,d training rows in %d parquet files under %s; held out: constant "
        + "logloss %.4f, true model (Bayes) %.4f%n", trainingRows, files, trainDir, ref.constant().logLoss(),
        ref.bayes().logLoss());

    String model = args.string("model", "lr");
    int batch = args.intValue("batch", 512);
    double lr = args.doubleValue("lr", 0.1);
    // A file is one partition: without numPartitions, a micro-batch of one file would train on one worker.
    int partitions = args.intValue("partitions", spark.sparkContext().defaultParallelism());
    OnlineEstimator<? extends Transformer> estimator = switch (model) {
      case "lr" -> new PsLogisticRegression().setOptimizer("ftrl").setRegParam(1).setElasticNetParam(1)
          .setStepSize(lr).setBatchSize(batch).setNumPartitions(partitions);
      case "fm" -> new PsFactorizationMachines().setFactorSize(4).setInitStd(0.05).setStepSize(lr)
          .setBatchSize(batch).setNumPartitions(partitions);
      default -> throw new IllegalArgumentException("unknown model: model=" + model + " (lr, fm)");
    };
    return train(spark, estimator, args.intValue("full-every", 2), dir, trainDir, heldOutDir, schema,
        trainingRows, ref);
  }

  private static <M extends Transformer> Result train(SparkSession spark, OnlineEstimator<M> estimator,
      int fullEvery, Path dir, String trainDir, String heldOutDir, StructType schema, long trainingRows,
      ReferenceFigures ref) throws StreamingQueryException, TimeoutException {
    PsStreamingTrainer<M> trainer = PsStreamingTrainer.builder(estimator).modelName("stream-example")
        .checkpointLocation(dir.resolve("checkpoint").toString()).fullCheckpointEvery(fullEvery).build(spark);

    // Training: trainer.start(stream, Trigger.AvailableNow()) would do; built by hand here to print
    // each micro-batch's figures as it is committed (train returns null for a batch already in the model).
    Dataset<Row> clicks = spark.readStream().schema(schema).option("maxFilesPerTrigger", 1).parquet(trainDir);
    VoidFunction2<Dataset<Row>, Long> trainBatch = (rows, id) -> {
      MicroBatchStats s = trainer.train(rows, id);
      if (s != null) {
        System.out.println(s);
      }
    };
    StreamingQuery training = clicks.writeStream().queryName("stream-example-train")
        .option("checkpointLocation", trainer.checkpointLocation()).foreachBatch(trainBatch)
        .trigger(Trigger.AvailableNow()).start();
    training.awaitTermination();
    System.out.printf(Locale.ROOT, "trained: %,d rows in %d micro-batches (model holds micro-batch %d)%n",
        trainer.rowsTrained(), trainer.progress().size(), trainer.committedBatch());

    Metrics.Evaluation snapshot = Metrics.evaluate(trainer.snapshot().transform(spark.read().parquet(heldOutDir)));
    System.out.printf(Locale.ROOT, "snapshot: held-out logloss %.4f, AUC %.4f%n", snapshot.logLoss(),
        snapshot.auc());

    // Scoring a stream while the model may still be training: the live model refreshes in the background.
    Metrics.Accumulator scored = new Metrics.Accumulator();
    try (LiveModel<M> live = trainer.liveModel(Duration.ofSeconds(1))) {
      VoidFunction2<Dataset<Row>, Long> scoreBatch = (rows, id) -> {
        List<Row> out = live.current().transform(rows).select("probability", "label").collectAsList();
        for (Row r : out) {
          scored.add(((Vector) r.get(0)).apply(1), r.getDouble(1));
        }
        System.out.printf(Locale.ROOT, "scored micro-batch %d with the live model of %s: %,d rows%n", id,
            live.takenAt(), out.size());
      };
      StreamingQuery scoring = spark.readStream().schema(schema).option("maxFilesPerTrigger", 1)
          .parquet(heldOutDir).writeStream().queryName("stream-example-score")
          .option("checkpointLocation", dir.resolve("scoring-checkpoint").toString()).foreachBatch(scoreBatch)
          .trigger(Trigger.AvailableNow()).start();
      scoring.awaitTermination();
    }
    Metrics.Evaluation live = scored.evaluation();
    System.out.printf(Locale.ROOT, "live model: held-out logloss %.4f, AUC %.4f over %,d rows%n", live.logLoss(),
        live.auc(), live.count());
    return new Result(trainingRows, trainer.rowsTrained(), trainer.progress(), snapshot, live, ref);
  }

  private static Path baseDir(String dir) {
    try {
      return dir == null ? Files.createTempDirectory("spark-ps-stream") : Files.createDirectories(Path.of(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the example's directory: dir=" + dir, e);
    }
  }
}
