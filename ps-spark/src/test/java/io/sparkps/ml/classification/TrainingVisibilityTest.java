package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkps.spark.PsPlugin;
import io.sparkps.spark.TaskCounters;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of a fit outside its result: the Spark UI's jobs and stages (read through the
 * REST API on the driver's UI port) carry the fit's job group, descriptions naming estimator, epoch
 * and clock range, and the named accumulators with the run's counts; the user's own job group and
 * description survive the fit; one progress line per epoch with the summary's values; the
 * training-curve PNG with the summary's values. local[2] with the plugin, UI on a free port.
 */
class TrainingVisibilityTest {

  private static final int EPOCHS = 3;
  private static SparkSession spark;
  private static Dataset<Row> data;
  private static long trainingRows;
  private static PsLogisticRegressionModel lr;
  private static List<String> lrProgress;

  @TempDir
  static Path dir;

  @BeforeAll
  static void fit() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("ps-visibility-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "true").config("spark.ui.port", "0")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", PsPlugin.class.getName()).getOrCreate();
    data = TinyData.sparse(spark, 3_000, 3).repartition(2)
        .withColumn("val", functions.monotonically_increasing_id().mod(5).equalTo(0)).cache();
    trainingRows = data.filter(functions.not(functions.col("val"))).count();
    SparkContext sc = spark.sparkContext();
    sc.setJobGroup("user-group", "the user's own jobs", false);
    try (CapturedLog log = CapturedLog.attach(FitMonitor.PROGRESS_LOGGER)) {
      lr = new PsLogisticRegression().setMaxIter(EPOCHS).setTol(0).setBatchSize(128)
          .setValidationIndicatorCol("val").fit(data);
      lrProgress = log.messages();
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theUsersJobGroupAndDescriptionSurviveAFit() throws Exception {
    SparkContext sc = spark.sparkContext();
    assertEquals("user-group", sc.getLocalProperty("spark.jobGroup.id"));
    assertEquals("the user's own jobs", sc.getLocalProperty("spark.job.description"));
    assertEquals("false", sc.getLocalProperty("spark.job.interruptOnCancel"));
    data.count();
    sc.listenerBus().waitUntilEmpty();
    JsonNode jobs = rest("/jobs");
    assertEquals("user-group", jobs.get(0).get("jobGroup").asText(), "the newest job: " + jobs.get(0));
    assertEquals("the user's own jobs", jobs.get(0).get("description").asText());
  }

  @Test
  void theRestApiShowsTheFitsJobDescriptionsAndAccumulators() throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    String estimator = "PsLogisticRegression " + lr.uid() + "-fit-";
    List<String> descriptions = new ArrayList<>();
    String group = null;
    for (JsonNode job : rest("/jobs")) {
      String d = job.path("description").asText("");
      if (d.contains(estimator)) {
        descriptions.add(d);
        group = job.get("jobGroup").asText();
        assertTrue(group.startsWith(lr.uid() + "-fit-"), "the fit's jobs are in its group: " + job);
      }
    }
    assertNotNull(group, "no job names " + estimator);
    String fit = group;
    for (int e = 0; e < EPOCHS; e++) {
      String training = "PsLogisticRegression " + fit + " epoch " + (e + 1) + "/" + EPOCHS + ", clocks ";
      String run = " | spark-ps training run " + fit + "-epoch-" + e + " (BSP, attempt 1)";
      assertEquals(1, descriptions.stream().filter(d -> d.startsWith(training) && d.endsWith(run)).count(),
          training + "..." + run + " in " + descriptions);
      String scoring = "PsLogisticRegression " + fit + " epoch " + (e + 1) + "/" + EPOCHS + ": scoring the held-out rows";
      assertTrue(descriptions.contains(scoring), scoring + " in " + descriptions);
    }
    assertTrue(descriptions.stream().anyMatch(d -> d.contains("epoch 1/3, clocks from 0 | ")), descriptions::toString);
    // Each epoch runs as many clocks as the previous one (same rows, same batches): epoch 2 covers c..2c-1.
    Matcher clocks = Pattern.compile("epoch 2/3, clocks (\\d+)-(\\d+) ").matcher(String.join("\n", descriptions));
    assertTrue(clocks.find(), descriptions::toString);
    long from = Long.parseLong(clocks.group(1));
    assertTrue(from > 0 && Long.parseLong(clocks.group(2)) == 2 * from - 1, clocks.group());

    long rows = 0;
    long pulled = 0;
    long pushed = 0;
    int trainingStages = 0;
    for (JsonNode stage : rest("/stages")) {
      if (!stage.path("description").asText("").contains("spark-ps training run " + fit + "-epoch-")) {
        continue;
      }
      trainingStages++;
      rows += accumulator(stage, TaskCounters.ROWS_TRAINED);
      pulled += accumulator(stage, TaskCounters.KEYS_PULLED);
      pushed += accumulator(stage, TaskCounters.KEYS_PUSHED);
      assertTrue(accumulator(stage, TaskCounters.CLOCK_WAIT_MS) >= 0);
      // The stage page's task table: every task's own update.
      JsonNode tasks = rest("/stages/" + stage.get("stageId").asInt() + "/" + stage.get("attemptId").asInt()
          + "/taskList?length=100");
      long taskRows = 0;
      for (JsonNode task : tasks) {
        for (JsonNode a : task.path("accumulatorUpdates")) {
          assertTrue(a.get("name").asText().startsWith("spark-ps "), "only the named counters show: " + a);
        }
        taskRows += accumulator(task, TaskCounters.ROWS_TRAINED, "update");
      }
      assertEquals(accumulator(stage, TaskCounters.ROWS_TRAINED), taskRows, "tasks add up to the stage: " + tasks);
    }
    assertEquals(EPOCHS, trainingStages);
    assertEquals(trainingRows * EPOCHS, rows, "every training row once per epoch");
    assertTrue(pulled > 0 && pushed > 0, "pulled " + pulled + ", pushed " + pushed);
  }

  @Test
  void theProgressLineAppearsOncePerEpochWithTheSummarysValues() throws Exception {
    PsLogisticRegressionSummary s = lr.summary();
    String fit = lrProgress.isEmpty() ? "" : lrProgress.get(0).replaceAll("^PsLogisticRegression (\\S+) epoch .*", "$1");
    assertEquals(EPOCHS, lrProgress.size(), lrProgress::toString);
    for (int e = 0; e < EPOCHS; e++) {
      EpochStats st = s.epochStats().get(e);
      assertEquals(trainingRows, st.rows());
      assertTrue(st.seconds() > 0 && st.maxStaleness() >= 0 && st.blockedSeconds() >= 0, st::toString);
      assertTrue(fit.startsWith(lr.uid() + "-fit-"), fit);
      assertEquals(FitMonitor.line("PsLogisticRegression " + fit, e, EPOCHS,
          s.objectiveHistory()[e], s.validationLogLoss()[e], s.validationAuc()[e], st), lrProgress.get(e));
      assertTrue(lrProgress.get(e).contains("held-out logloss " + FitMonitor.fmt(s.validationLogLoss()[e], 6)));
    }
    String report = s.report();
    assertEquals(4, report.split("\n").length, report);
    assertTrue(report.startsWith("PsLogisticRegression: 3 epochs in ") && report.contains(String.format(
        java.util.Locale.ROOT, "final training logloss %.4f, held-out logloss %.4f", s.objectiveHistory()[2],
        s.validationLogLoss()[2])) && report.contains("last epoch's time: compute "), report);
    assertEquals("PsLogisticRegression: 1 epoch\nfinal training logloss 0.5000",
        new PsLogisticRegressionSummary(new double[] {0.5}).report(), "unmeasured figures are left out");

    List<String> fmProgress;
    PsFactorizationMachinesModel fm;
    try (CapturedLog log = CapturedLog.attach(FitMonitor.PROGRESS_LOGGER)) {
      fm = new PsFactorizationMachines().setMaxIter(2).setFactorSize(2).setBatchSize(256).fit(data);
      fmProgress = log.messages();
    }
    PsFactorizationMachinesSummary f = fm.summary();
    assertEquals(2, fmProgress.size(), fmProgress::toString);
    String fmFit = fmProgress.get(0).replaceAll("^PsFactorizationMachines (\\S+) epoch .*", "$1");
    for (int e = 0; e < 2; e++) {
      assertEquals(data.count(), f.epochStats().get(e).rows());
      assertEquals(FitMonitor.line("PsFactorizationMachines " + fmFit, e, 2,
          f.objectiveHistory()[e], Double.NaN, Double.NaN, f.epochStats().get(e)), fmProgress.get(e));
      assertTrue(!fmProgress.get(e).contains("held-out"), fmProgress.get(e));
    }
    assertTrue(f.report().startsWith("PsFactorizationMachines: 2 epochs in ") && !f.report().contains("held-out"),
        f.report());
  }

  @Test
  void trainingCurvesPlotTheSummarysValuesIntoAPng() throws Exception {
    PsLogisticRegressionSummary s = lr.summary();
    TrainingCurves.Curve c = TrainingCurves.curve("lr", s);
    List<CurveChart.Series> series = CurveChart.series(List.of(c));
    assertEquals(2, series.size());
    assertEquals("lr held-out logloss", series.get(0).name());
    assertArrayEquals(s.elapsedSeconds(), series.get(0).x());
    assertArrayEquals(s.validationLogLoss(), series.get(0).y());
    assertEquals("lr training logloss", series.get(1).name());
    assertArrayEquals(s.objectiveHistory(), series.get(1).y());

    Path png = TrainingCurves.write(dir.resolve("curves/lr.png").toString(), c,
        TrainingCurves.curve("no times", new PsLogisticRegressionSummary(new double[] {0.7, 0.6})));
    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
        java.util.Arrays.copyOf(bytes, 8), "a PNG signature");
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(TrainingCurves.WIDTH, image.getWidth());
    assertEquals(TrainingCurves.HEIGHT, image.getHeight());
  }

  @Test
  void curvesWithoutTimesArePlottedAgainstEpochsAndSkipMissingHeldOutLosses() {
    TrainingCurves.Curve timed = new TrainingCurves.Curve("a", new double[] {1.5, 3.0}, new double[] {0.7, 0.6},
        new double[] {Double.NaN, 0.65});
    List<CurveChart.Series> one = CurveChart.series(List.of(timed));
    assertArrayEquals(new double[] {3.0}, one.get(0).x(), "the epoch without a held-out logloss is left out");
    assertArrayEquals(new double[] {0.65}, one.get(0).y());
    TrainingCurves.Curve untimed = TrainingCurves.curve("b", new PsFactorizationMachinesSummary(new double[] {0.5, 0.4}));
    List<CurveChart.Series> both = CurveChart.series(List.of(timed, untimed));
    assertEquals(3, both.size(), "b has no held-out line");
    assertArrayEquals(new double[] {1, 2}, both.get(1).x(), "a curve without times puts every curve on epochs");
    assertArrayEquals(new double[] {1, 2}, both.get(2).x());
    assertArrayEquals(new double[] {0.5, 0.4}, both.get(2).y());
  }

  private static long accumulator(JsonNode stage, String name) {
    return accumulator(stage, name, "value");
  }

  /** A named accumulator's {@code field}: a stage's "value", a task's own "update". */
  private static long accumulator(JsonNode stageOrTask, String name, String field) {
    for (JsonNode a : stageOrTask.path("accumulatorUpdates")) {
      if (a.get("name").asText().equals(name)) {
        return Long.parseLong(a.get(field).asText());
      }
    }
    throw new AssertionError(name + " not among " + stageOrTask.path("accumulatorUpdates"));
  }

  private static JsonNode rest(String path) throws Exception {
    SparkContext sc = spark.sparkContext();
    String ui = "http://127.0.0.1:" + URI.create(sc.uiWebUrl().get()).getPort();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ui + "/api/v1/applications/"
        + sc.applicationId() + path)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }
}
