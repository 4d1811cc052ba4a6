package io.sparkps.spark.testing;

import io.sparkps.ml.SparseExample;
import io.sparkps.ml.streaming.MicroBatchStats;
import io.sparkps.ml.streaming.PsStreamingTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A user's streaming application, as {@code StreamingDriverKillIT} submits it (public API only,
 * spark-ps from {@code --jars}): trains {@link CountedStreamLr} with {@link PsStreamingTrainer}
 * on a parquet file-source stream, one file per micro-batch, full checkpoints every
 * {@value #FULL_EVERY} micro-batches, and prints a line per micro-batch it handled (the test kills
 * this JVM on one of them). Run again on the same checkpoint location it recovers and finishes
 * the files; with {@code finish} it then trains a reference model on the same files from a fresh
 * location and prints one result line with what the test checks.
 *
 * <p>Arguments: {@code INPUT_DIR CHECKPOINT_ROOT [finish]}.
 */
public final class StreamingJob {

  static final int FULL_EVERY = 2;
  static final int HELD_OUT = 4_000;

  private StreamingJob() {}

  public static void main(String[] args) throws TimeoutException, StreamingQueryException {
    String input = args[0];
    String root = args[1];
    boolean finish = args.length > 2 && args[2].equals("finish");
    SparkSession spark = SparkSession.builder().appName("spark-ps streaming job").getOrCreate();
    try {
      if (args.length > 2 && args[2].equals("write")) {
        writeInput(spark, Path.of(input));
      }
      PsStreamingTrainer<CountedLr.Tables> faulty = train(spark, input, root, "faulty");
      if (!finish) {
        return;
      }
      PsStreamingTrainer<CountedLr.Tables> clean = train(spark, input, root, "clean");
      List<SparseExample> heldOut = StreamRows.heldOut(HELD_OUT);
      CountedLr.Tables f = faulty.snapshot();
      CountedLr.Tables c = clean.snapshot();
      System.out.printf(Locale.ROOT, "streaming-job: result faulty %s rowsTrained=%d committed=%d replayed=%s; "
              + "clean %s rowsTrained=%d; held-out logloss faulty=%.4f clean=%.4f constant=%.4f%n",
          counts(f), faulty.rowsTrained(), faulty.committedBatch(), replayed(faulty), counts(c), clean.rowsTrained(),
          f.heldOutLogLoss(heldOut), c.heldOutLogLoss(heldOut), CountedLr.constantLogLoss(heldOut));
    } finally {
      spark.stop();
    }
  }

  /**
   * The stream's input: {@link StreamRows#FILES} parquet files, with increasing modification times
   * so the file source reads them in order; each written beside the directory and moved in whole.
   */
  static void writeInput(SparkSession spark, Path input) {
    try {
      Files.createDirectories(input);
      Path staging = input.resolveSibling("staging");
      long base = System.currentTimeMillis() - 3_600_000;
      for (int f = 0; f < StreamRows.FILES; f++) {
        Path out = staging.resolve("file-" + f);
        spark.createDataFrame(StreamRows.file(f), StreamRows.SCHEMA).coalesce(1).write().parquet(out.toString());
        Path target = input.resolve(String.format(Locale.ROOT, "rows-%02d.parquet", f));
        Files.move(onlyPart(out), target);
        Files.setLastModifiedTime(target, FileTime.fromMillis(base + 1000L * f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the stream's input under " + input + ": " + e.getMessage(), e);
    }
  }

  private static Path onlyPart(Path written) throws IOException {
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(written, "part-*.parquet")) {
      List<Path> found = new ArrayList<>();
      parts.forEach(found::add);
      if (found.size() != 1) {
        throw new IllegalStateException("expected one part file in " + written + ": " + found);
      }
      return found.get(0);
    }
  }

  /** Streams every file not yet in the model named {@code model} through it, then returns. */
  private static PsStreamingTrainer<CountedLr.Tables> train(SparkSession spark, String input, String root,
      String model) throws TimeoutException, StreamingQueryException {
    PsStreamingTrainer<CountedLr.Tables> trainer = PsStreamingTrainer.builder(new CountedStreamLr())
        .modelName(model).checkpointLocation(root + "/" + model).fullCheckpointEvery(FULL_EVERY).build(spark);
    Dataset<Row> stream = spark.readStream().schema(StreamRows.SCHEMA).option("maxFilesPerTrigger", 1)
        .parquet(input);
    // Built by hand (not trainer.start) to print each micro-batch as soon as the trainer committed
    // it, before Spark commits it in its own log: a kill right after leaves a micro-batch Spark
    // hands over again and the trainer must skip.
    VoidFunction2<Dataset<Row>, Long> onBatch = (batch, id) -> {
      MicroBatchStats s = trainer.train(batch, id);
      System.out.println("streaming-job: " + model + " micro-batch " + id + " "
          + (s == null ? "skipped" : "committed rows=" + s.rows() + " full=" + s.fullCheckpoint()));
    };
    StreamingQuery query = stream.writeStream().option("checkpointLocation", trainer.checkpointLocation())
        .queryName(model).trigger(Trigger.AvailableNow()).foreachBatch(onBatch).start();
    query.awaitTermination();
    return trainer;
  }

  /** The id table's counts over every id written: "ids=N min=a max=b keys=K". */
  private static String counts(CountedLr.Tables t) {
    float[] counts = t.counts(StreamRows.rows());
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (float v : counts) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return String.format(Locale.ROOT, "ids=%d min=%.1f max=%.1f keys=%d", counts.length, min, max,
        t.counts().size());
  }

  /** The micro-batches this application trained again from the log. */
  private static String replayed(PsStreamingTrainer<?> trainer) {
    return trainer.progress().stream().filter(MicroBatchStats::replayed).map(s -> Long.toString(s.batchId()))
        .toList().toString().replace(" ", "");
  }
}
