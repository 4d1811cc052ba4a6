package io.sparkps.bench.stream;

import io.sparkps.bench.e2e.Flags;
import io.sparkps.bench.e2e.Size;
import io.sparkps.core.config.Ticker;
import io.sparkps.examples.data.PlainAdagradBaseline;
import io.sparkps.examples.data.SyntheticData;
import io.sparkps.examples.data.SyntheticDataFrames;
import io.sparkps.ml.classification.PsLogisticRegression;
import io.sparkps.ml.classification.PsLogisticRegressionModel;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.ml.streaming.MicroBatchStats;
import io.sparkps.ml.streaming.PsStreamingTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The streaming benchmark ({@code scripts/bench stream}, issue 18): the shared data's training rows
 * as parquet files of 50,000 rows, read as a file stream one file per micro-batch and trained by a
 * {@link PsStreamingTrainer}; in the same JVM the single-threaded plain pass over the same rows,
 * one epoch of batch training with the same method and optimizer, and the recovery of a new
 * application from the stream's checkpoint location. Writes {@code stream-summary.md},
 * {@code stream-summary.csv} and {@code stream-batches.csv} under {@code --out}.
 *
 * <pre>{@code java @scripts/jvm.options -Xmx8g -cp <ps-bench classpath> io.sparkps.bench.stream.StreamBench
 *   --out=DIR [--size=medium] [--rows-per-file=50000] [--config=agd+ftrl] [--full-every=10]
 *   [--files-per-trigger=1] [--repartition=false] [--partitions=2] [--master=local[*]]
 *   [--dir=ps-bench/target/stream-work] [--jfr=FILE] [--warmup=true]}</pre>
 *
 * <p>Single-threaded apart from Spark's own threads. {@code --dir} (files, stream checkpoint,
 * model checkpoints) is emptied first and removed at the end. {@code --jfr} records a JFR profile
 * ({@code profile} settings) of the measured streaming pass alone into FILE. {@code --repartition=true}
 * shuffles each micro-batch into {@code --partitions} partitions before the trainer sees it (the
 * file source reads a 50,000-row file as one non-empty partition). {@code --warmup=false} skips the
 * untimed warm-up (for the smoke test: its figures are not measurements).
 */
public final class StreamBench {

  private static final Ticker TICKER = Ticker.systemTicker();
  private static final Set<String> FLAGS = Set.of("out", "size", "rows-per-file", "config", "full-every",
      "partitions", "master", "dir", "jfr", "files-per-trigger", "repartition", "warmup");
  private static final String MODEL = "stream-bench";

  private final Size size;
  private final Path out;
  private final Path dir;
  private final int rowsPerFile;
  private final String method;
  private final String optimizer;
  private final int fullEvery;
  private final int partitions;
  private final String master;
  private final String jfr;
  private final int filesPerTrigger;
  private final boolean repartition;
  private final boolean warmup;

  private StreamBench(Flags flags) {
    this.size = Size.parse(flags.string("size", "medium"));
    this.out = Path.of(flags.required("out"));
    this.dir = Path.of(flags.string("dir", "ps-bench/target/stream-work")).toAbsolutePath();
    this.rowsPerFile = flags.intValue("rows-per-file", 50_000);
    String[] mo = flags.string("config", "agd+ftrl").split("\\+");
    if (mo.length != 2) {
      throw new IllegalArgumentException("config: config=" + flags.string("config", "") + " (method+optimizer, "
          + "e.g. agd+ftrl)");
    }
    this.method = mo[0];
    this.optimizer = mo[1];
    this.fullEvery = flags.intValue("full-every", 10);
    this.partitions = flags.intValue("partitions", 2);
    this.master = flags.string("master", "local[*]");
    this.jfr = flags.string("jfr", "");
    this.filesPerTrigger = flags.intValue("files-per-trigger", 1);
    this.repartition = Boolean.parseBoolean(flags.string("repartition", "false"));
    this.warmup = Boolean.parseBoolean(flags.string("warmup", "true"));
  }

  public static void main(String[] args) throws Exception {
    new StreamBench(new Flags(args, FLAGS)).run();
  }

  private void run() throws Exception {
    Files.createDirectories(out);
    deleteRecursively(dir);
    Files.createDirectories(dir);
    StreamFigures.Builder fig = new StreamFigures.Builder(size, rowsPerFile, filesPerTrigger,
        method + "+" + optimizer + (repartition ? " (micro-batches repartitioned)" : ""), fullEvery, partitions);
    try {
      firstApplication(fig);
      secondApplication(fig);
    } finally {
      deleteRecursively(dir);
    }
    StreamFigures figures = fig.build();
    StreamReport.write(figures, out).forEach(p -> progress("wrote %s", p));
    System.out.println();
    System.out.println(StreamReport.markdown(figures));
  }

  /** Data, warm-up, the streaming pass, its held-out logloss, and both baselines. */
  private void firstApplication(StreamFigures.Builder fig) throws Exception {
    long start = TICKER.read();
    SparkSession spark = session("spark-ps stream bench");
    progress("Spark (application %s) and the parameter servers started in %.1f s",
        spark.sparkContext().applicationId(), seconds(start));
    try {
      if (warmup) {
        warmUp(spark);
      }
      start = TICKER.read();
      Dataset<Row> all = StreamData.generate(spark, size.n(), size.d(), partitions);
      Path data = dir.resolve("data");
      int files = StreamData.write(all, data, rowsPerFile);
      Dataset<Row> held = StreamData.readHeldOut(spark, data);
      progress("%s: %,d rows generated, training rows written as %d parquet files of <= %,d rows, held-out rows "
          + "cached, in %.1f s (untimed)", size.name(), size.n(), files, rowsPerFile, seconds(start));
      fig.files(files);

      PsStreamingTrainer<PsLogisticRegressionModel> trainer = trainer(spark);
      StreamPass.Result pass;
      try (Recording recording = profile()) {
        pass = new StreamPass(spark, trainer).run(StreamData.train(data).toString(), StreamData.SCHEMA,
            filesPerTrigger, repartition ? partitions : 0);
        if (!jfr.isEmpty()) {
          recording.dump(Path.of(jfr));
          progress("JFR profile of the streaming pass: %s", jfr);
        }
      }
      fig.pass(pass);
      progress("stream: %d micro-batches, %,d rows in %.2f s (first arrival to last commit) = %,.0f rows/s; "
          + "query start to end %.2f s", pass.batches().size(), pass.rows(), pass.wallSeconds(),
          pass.rows() / pass.wallSeconds(), pass.querySeconds());
      start = TICKER.read();
      PsLogisticRegressionModel snap = trainer.snapshot();
      double snapSeconds = seconds(start);
      Metrics.Evaluation ev = Metrics.evaluate(snap.transform(held));
      fig.streamHeldOut(ev, snapSeconds);
      progress("stream: snapshot in %.2f s, held-out logloss %.4f, AUC %.4f", snapSeconds, ev.logLoss(), ev.auc());

      Dataset<Row> train = SyntheticDataFrames.training(all).select("label", "features").cache();
      train.count();
      start = TICKER.read();
      PsLogisticRegressionModel batch = estimator().setMaxIter(1).fit(train);
      double batchSeconds = seconds(start);
      Metrics.Evaluation bev = Metrics.evaluate(batch.transform(held));
      fig.batch(bev, batchSeconds);
      progress("batch: one epoch of %s+%s in %.2f s, held-out logloss %.4f, AUC %.4f", method, optimizer,
          batchSeconds, bev.logLoss(), bev.auc());
      train.unpersist();
      all.unpersist();
      plainPass(fig);
    } finally {
      spark.stop();
    }
  }

  /** A new application on the same checkpoint location: time its recovery, then score the recovered model. */
  private void secondApplication(StreamFigures.Builder fig) throws Exception {
    long start = TICKER.read();
    SparkSession spark = session("spark-ps stream bench (restarted)");
    progress("restart: new Spark application %s and empty parameter servers started in %.1f s",
        spark.sparkContext().applicationId(), seconds(start));
    try {
      Dataset<Row> held = StreamData.readHeldOut(spark, dir.resolve("data"));
      PsStreamingTrainer<PsLogisticRegressionModel> trainer = trainer(spark);
      start = TICKER.read();
      long committed = trainer.committedBatch();
      double recovery = seconds(start);
      List<MicroBatchStats> replayed = trainer.progress().stream().filter(MicroBatchStats::replayed).toList();
      Metrics.Evaluation ev = Metrics.evaluate(trainer.snapshot().transform(held));
      fig.recovery(recovery, committed, replayed, ev);
      progress("restart: recovered at micro-batch %d in %.2f s (restore + %d micro-batches trained again), "
          + "held-out logloss %.4f", committed, recovery, replayed.size(), ev.logLoss());
    } finally {
      spark.stop();
    }
  }

  /** The single-threaded plain AdaGrad pass over the same training rows (e2e's reference), timed alone. */
  private void plainPass(StreamFigures.Builder fig) {
    SyntheticData gen = SyntheticData.of(size.n(), size.d(), SyntheticData.DEFAULT_K, SyntheticData.DEFAULT_SEED);
    List<SyntheticData.Row> rows = gen.rows().collect(Collectors.toList());
    long start = TICKER.read();
    PlainAdagradBaseline.Model model = PlainAdagradBaseline.create().train(rows, gen.d());
    double secs = seconds(start);
    Metrics.Evaluation ev = PlainAdagradBaseline.evaluate(model, rows);
    long trained = rows.stream().filter(r -> !r.heldOut()).count();
    fig.plain(trained, secs, ev);
    progress("plain Java AdaGrad pass: %,d rows in %.2f s = %,.0f rows/s, held-out logloss %.4f", trained, secs,
        trained / secs, ev.logLoss());
  }

  /**
   * A small stream and fit first (own model, own checkpoint location), untimed, so the measured
   * pass does not pay for class loading, JIT compilation and Spark's first streaming query.
   */
  private void warmUp(SparkSession spark) throws Exception {
    long start = TICKER.read();
    Dataset<Row> all = StreamData.generate(spark, 20_000, 1 << 12, partitions);
    Path data = dir.resolve("warmup");
    StreamData.write(all, data, 4_500);
    estimator().setMaxIter(1).fit(SyntheticDataFrames.training(all));
    PsStreamingTrainer<PsLogisticRegressionModel> trainer = PsStreamingTrainer.builder(estimator())
        .modelName("warmup").checkpointLocation(data.resolve("checkpoint").toString()).fullCheckpointEvery(2)
        .build(spark);
    new StreamPass(spark, trainer).run(StreamData.train(data).toString(), StreamData.SCHEMA, 1,
        repartition ? partitions : 0);
    Metrics.evaluate(trainer.snapshot().transform(StreamData.readHeldOut(spark, data)));
    all.unpersist();
    progress("warm-up (20,000 rows, D = 2^12: a fit and a stream of 4 micro-batches, untimed) took %.1f s",
        seconds(start));
  }

  /** A JFR recording (CPU samples, locks, I/O) running from here, with --jfr; else one never started. */
  private Recording profile() throws IOException, ParseException {
    Recording r = new Recording(Configuration.getConfiguration("profile"));
    if (!jfr.isEmpty()) {
      r.start();
    }
    return r;
  }

  private PsStreamingTrainer<PsLogisticRegressionModel> trainer(SparkSession spark) {
    return PsStreamingTrainer.builder(estimator()).modelName(MODEL)
        .checkpointLocation(dir.resolve("checkpoint").toString()).fullCheckpointEvery(fullEvery).build(spark);
  }

  /** e2e's settings for the method and optimizer (docs/benchmarks.md): batch 1024, step 0.1 (Adam 0.01). */
  private PsLogisticRegression estimator() {
    return new PsLogisticRegression().setMethod(method).setOptimizer(optimizer)
        .setStepSize(optimizer.equals("adam") ? 0.01 : 0.1).setTol(0).setBatchSize(1024).setStaleness(2)
        .setFetchEvery(2).setPushEvery(1).setNumPartitions(partitions);
  }

  /**
   * As e2e's sessions: the spark-ps plugin, loopback, no UI. A file opens at the cost of 1 MiB
   * rather than Spark's 4 MiB: the split size is the bytes per core with that cost added, and a
   * micro-batch of one 5 MB file would otherwise put most of its row groups in one split (one core
   * trains; docs/streaming.md, "balance").
   */
  private SparkSession session(String name) {
    return SparkSession.builder().appName(name).master(master)
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", Integer.toString(partitions))
        .config("spark.sql.files.openCostInBytes", Integer.toString(1 << 20))
        .config("spark.plugins", "io.sparkps.spark.PsPlugin").getOrCreate();
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path f : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(f);
      }
    }
  }

  private static double seconds(long start) {
    return (TICKER.read() - start) / 1e9;
  }

  static void progress(String format, Object... args) {
    System.out.println("[stream] " + String.format(Locale.ROOT, format, args));
    System.out.flush();
  }
}
