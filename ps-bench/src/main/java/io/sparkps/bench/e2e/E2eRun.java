package io.sparkps.bench.e2e;

import io.sparkps.core.config.Ticker;
import io.sparkps.examples.data.PlainAdagradBaseline;
import io.sparkps.examples.data.ReferenceFigures;
import io.sparkps.examples.data.SyntheticData;
import io.sparkps.examples.data.SyntheticDataFrames;
import io.sparkps.ml.classification.EpochBreakdown;
import io.sparkps.ml.classification.PsLogisticRegression;
import io.sparkps.ml.classification.PsLogisticRegressionModel;
import io.sparkps.ml.classification.PsLogisticRegressionSummary;
import io.sparkps.ml.evaluation.Metrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One step of the end-to-end benchmark in this JVM: start an embedded Spark (with the spark-ps
 * plugin, for both systems alike), generate and cache one size of the shared data, train one
 * system in each of its configurations and append the points to {@code e2e-points.csv} and the
 * step's setup costs to {@code e2e-steps.csv}. Run by {@link E2eBench}; not meant to be called
 * by hand, but it can be:
 *
 * <pre>{@code java @scripts/jvm.options -Xmx16g -cp <ps-bench classpath> io.sparkps.bench.e2e.E2eRun
 *   --step=medium-mllib --experiment=curve --size=medium --system=mllib --iters=10,30 --out=DIR}</pre>
 */
public final class E2eRun {

  /** The configurations {@code scripts/bench e2e} compares: each method with its best optimizer (docs/ml.md). */
  public static final List<String> PS_CONFIGS = List.of("dgd+adam", "ipm+adagrad", "downpour+ftrl", "agd+ftrl");
  /** MLlib's maxIter values when a step names none. */
  static final String DEFAULT_ITERS = "5,10,20,30";

  static final String POINTS = "e2e-points.csv";
  static final String STEPS = "e2e-steps.csv";
  static final String STEPS_HEADER = "step,size,system,session_s,datagen_s,peak_rss_gb,status,error";

  private static final Ticker TICKER = Ticker.systemTicker();
  /** Rows of the untimed warm-up data ({@link #warmUp}). */
  static final int WARM_UP_ROWS = 100_000;
  private static final Set<String> FLAGS = Set.of("step", "experiment", "size", "system", "configs", "iters",
      "epochs", "partitions", "mllib-reg", "master", "out");

  private final Flags flags;
  private final String experiment;
  private final Size size;
  private final Path out;
  private final int partitions;

  private E2eRun(Flags flags) {
    this.flags = flags;
    this.experiment = flags.string("experiment", "curve");
    this.size = Size.parse(flags.required("size"));
    this.out = Path.of(flags.required("out"));
    this.partitions = flags.intValue("partitions", 2);
  }

  public static void main(String[] args) throws IOException {
    new E2eRun(new Flags(args, FLAGS)).run();
  }

  private void run() throws IOException {
    Files.createDirectories(out);
    String system = flags.required("system");
    if (!system.equals("spark-ps") && !system.equals("mllib")) {
      throw new IllegalArgumentException("system: system=" + system + " (spark-ps, mllib)");
    }
    long start = TICKER.read();
    SparkSession spark = SparkSession.builder().appName("spark-ps e2e " + flags.required("step"))
        .master(flags.string("master", "local[*]"))
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        // MLlib's task results are dense D-sized arrays: no limit, so it fails only where memory ends.
        .config("spark.driver.maxResultSize", "0")
        .config("spark.sql.shuffle.partitions", Integer.toString(partitions))
        .config("spark.plugins", "io.sparkps.spark.PsPlugin").getOrCreate();
    double session = seconds(start);
    try {
      warmUp(spark, system);
      SyntheticData gen = SyntheticData.of(size.n(), size.d(), SyntheticData.DEFAULT_K, SyntheticData.DEFAULT_SEED);
      Dataset<Row> all = SyntheticDataFrames.generate(spark, gen, partitions);
      long genStart = TICKER.read();
      Path points = out.resolve(POINTS);
      double datagen;
      if (system.equals("spark-ps")) {
        all = all.cache();
        long rows = all.count();
        datagen = seconds(genStart);
        progress("%s: %,d rows generated and cached in %.1f s (Spark + servers started in %.1f s)", size.name(), rows,
            datagen, session);
        if (experiment.equals("curve")) {
          E2ePoint.append(points, references(gen));
        }
        for (String config : flags.list("configs", String.join(",", PS_CONFIGS))) {
          E2ePoint.append(points, sparkPs(all, config));
        }
      } else {
        Dataset<Row> train = SyntheticDataFrames.training(all).cache();
        Dataset<Row> held = SyntheticDataFrames.heldOut(all).cache();
        long rows = train.count() + held.count();
        datagen = seconds(genStart);
        progress("%s: %,d rows generated and cached in %.1f s", size.name(), rows, datagen);
        for (String iters : flags.list("iters", DEFAULT_ITERS)) {
          List<E2ePoint> p = mllib(train, held, Integer.parseInt(iters));
          E2ePoint.append(points, p);
          if (!p.get(0).ok()) {
            break;  // more iterations of the same failure only take longer to fail
          }
        }
      }
      appendStep(out, flags.required("step"), size.name(), system, session, datagen, peakRssGb(), "ok", "");
    } finally {
      spark.stop();
    }
  }

  /**
   * Untimed runs before anything is measured, on {@link #WARM_UP_ROWS} rows with D = 2^16: for
   * spark-ps one fit of every config the step measures, for MLlib one fit of 10 iterations, and
   * one plain-Java pass for the reference. The measured runs then see compiled code, as a
   * long-running application does, and not class loading and JIT compilation inside their first
   * epochs: after a 5,000-row warm-up the C2 compiler still used about half a core through every
   * epoch of a 200,000-row fit (JFR compilation events, 2026-12-06).
   */
  private void warmUp(SparkSession spark, String system) {
    long start = TICKER.read();
    SyntheticData gen = SyntheticData.of(WARM_UP_ROWS, 1 << 16);
    Dataset<Row> data = SyntheticDataFrames.generate(spark, gen, partitions).cache();
    if (system.equals("spark-ps")) {
      for (String config : flags.list("configs", String.join(",", PS_CONFIGS))) {
        psEstimator(config, 2).fit(data);
      }
      PlainAdagradBaseline.create().train(gen.rows().collect(Collectors.toList()), gen.d());
    } else {
      Metrics.evaluate(new LogisticRegression().setMaxIter(10).fit(SyntheticDataFrames.training(data))
          .transform(SyntheticDataFrames.heldOut(data)));
    }
    data.unpersist();
    progress("%s: warm-up (%,d rows, D = 2^16, untimed) took %.1f s", size.name(), WARM_UP_ROWS, seconds(start));
  }

  // ---- spark-ps ----

  /** The estimator of {@code config} (method+optimizer) as the benchmark runs it, for {@code epochs} epochs. */
  private PsLogisticRegression psEstimator(String config, int epochs) {
    String[] mo = config.split("\\+");
    if (mo.length != 2) {
      throw new IllegalArgumentException("config: config=" + config + " (method+optimizer, e.g. agd+ftrl)");
    }
    return new PsLogisticRegression().setMethod(mo[0]).setOptimizer(mo[1])
        .setStepSize(mo[1].equals("adam") ? 0.01 : 0.1).setMaxIter(epochs).setTol(0).setBatchSize(1024)
        .setStaleness(2).setFetchEvery(2).setPushEvery(1).setNumPartitions(partitions)
        .setValidationIndicatorCol("heldOut");
  }

  private List<E2ePoint> sparkPs(Dataset<Row> all, String config) {
    int epochs = flags.intValue("epochs", 3);
    PsLogisticRegression lr = psEstimator(config, epochs);
    resetHeapPeaks();
    long start = TICKER.read();
    try {
      PsLogisticRegressionModel model = lr.fit(all);
      double total = seconds(start);
      double heap = heapPeakGb();
      PsLogisticRegressionSummary s = model.summary();
      double[] elapsed = s.elapsedSeconds();
      double validating = java.util.Arrays.stream(s.validationSeconds()).sum();
      List<E2ePoint> points = new ArrayList<>();
      List<String> phases = new ArrayList<>();
      for (int e = 0; e < s.totalIterations(); e++) {
        EpochBreakdown b = s.epochBreakdown().get(e);
        phases.add(E2eBreakdown.csvLine(size, config, e + 1, b));
        progress("%s spark-ps %-14s epoch %d breakdown: prepare %.2f  compute %.2f  pull %.2f  push %.2f  clock %.2f"
            + "  scheduling %.2f  scoring %.2f s", size.name(), config, e + 1, b.prepare(), b.compute(), b.pullWait(),
            b.pushWait(), b.clockWait(), b.scheduling(), b.scoring());
      }
      E2eBreakdown.append(out.resolve(E2eBreakdown.FILE), phases);
      for (int e = 0; e < s.totalIterations(); e++) {
        // The last epoch's model is only in the user's hands once fit has pulled it: count that too.
        double at = e == s.totalIterations() - 1 ? total - validating : elapsed[e];
        points.add(point("spark-ps", config, e + 1, e + 1, at, s.validationLogLoss()[e], s.validationAuc()[e], heap));
        progress("%s spark-ps %-14s epoch %d: %7.1f s  held-out logloss %.4f  AUC %.4f", size.name(), config, e + 1,
            at, s.validationLogLoss()[e], s.validationAuc()[e]);
      }
      return points;
    } catch (Exception | OutOfMemoryError e) {
      return failure("spark-ps", config, epochs, start, e);
    }
  }

  // ---- spark.ml ----

  private List<E2ePoint> mllib(Dataset<Row> train, Dataset<Row> held, int maxIter) {
    LogisticRegression lr = new LogisticRegression().setStandardization(false)
        .setRegParam(flags.doubleValue("mllib-reg", 1e-4)).setMaxIter(maxIter);
    resetHeapPeaks();
    long start = TICKER.read();
    try {
      LogisticRegressionModel model = lr.fit(train);
      double secs = seconds(start);
      double heap = heapPeakGb();
      Metrics.Evaluation ev = Metrics.evaluate(model.transform(held));
      int its = model.summary().totalIterations();
      progress("%s mllib lbfgs maxIter=%d: %7.1f s (%d iterations)  held-out logloss %.4f  AUC %.4f", size.name(),
          maxIter, secs, its, ev.logLoss(), ev.auc());
      return List.of(point("mllib", "lbfgs", maxIter, its, secs, ev.logLoss(), ev.auc(), heap));
    } catch (Exception | OutOfMemoryError e) {
      return failure("mllib", "lbfgs", maxIter, start, e);
    }
  }

  // ---- references: constant, Bayes, and the single-threaded plain-Java pass ----

  private List<E2ePoint> references(SyntheticData gen) {
    ReferenceFigures ref = ReferenceFigures.of(gen);
    List<SyntheticData.Row> rows = gen.rows().collect(Collectors.toList());
    long start = TICKER.read();
    PlainAdagradBaseline.Model model = PlainAdagradBaseline.create().train(rows, gen.d());
    double secs = seconds(start);
    Metrics.Evaluation plain = PlainAdagradBaseline.evaluate(model, rows);
    progress("%s references: constant %.4f, Bayes %.4f / AUC %.4f, plain Java AdaGrad one pass %.4f / %.4f in %.2f s",
        size.name(), ref.constant().logLoss(), ref.bayes().logLoss(), ref.bayes().auc(), plain.logLoss(),
        plain.auc(), secs);
    return List.of(point("constant", "base-rate", 0, 0, 0, ref.constant().logLoss(), 0.5, Double.NaN),
        point("bayes", "true-model", 0, 0, 0, ref.bayes().logLoss(), ref.bayes().auc(), Double.NaN),
        point("plain-java", "adagrad-1-pass", 1, 1, secs, plain.logLoss(), plain.auc(), Double.NaN));
  }

  // ---- bookkeeping ----

  /** A fit that threw: said on the console and recorded as one failed point with its error line. */
  private List<E2ePoint> failure(String system, String config, int point, long start, Throwable e) {
    progress("%s %s %s (%d) FAILED after %.1f s: %s", size.name(), system, config, point, seconds(start), e);
    return List.of(E2ePoint.failed(experiment, size, system, config, point, seconds(start), "failed", e.toString()));
  }

  private E2ePoint point(String system, String config, int point, int iterations, double secs, double logLoss,
      double auc, double heap) {
    return new E2ePoint(experiment, size.name(), size.n(), size.d(), system, config, point, iterations, secs, logLoss,
        auc, heap, "ok", "");
  }

  /** A row of {@code e2e-steps.csv}: what a step's JVM spent before training, its peak RSS, how it ended. */
  static void appendStep(Path dir, String step, String size, String system, double session, double datagen,
      double rssGb, String status, String error) throws IOException {
    Path file = dir.resolve(STEPS);
    List<String> lines = new ArrayList<>();
    if (!Files.exists(file) || Files.size(file) == 0) {
      lines.add(STEPS_HEADER);
    }
    lines.add(String.join(",", step, size, system, E2ePoint.num(session), E2ePoint.num(datagen),
        E2ePoint.num(rssGb), status, E2ePoint.clean(error)));
    Files.write(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Collects first so garbage left by the previous fit does not count as this one's peak. */
  private static void resetHeapPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static double heapPeakGb() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes / 1e9;
  }

  /** The JVM's peak resident set (VmHWM), GB; NaN where /proc is not there. */
  static double peakRssGb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024 / 1e9;
        }
      }
      return Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static double seconds(long start) {
    return (TICKER.read() - start) / 1e9;
  }

  static void progress(String format, Object... args) {
    System.out.println("[e2e] " + String.format(Locale.ROOT, format, args));
    System.out.flush();
  }
}
