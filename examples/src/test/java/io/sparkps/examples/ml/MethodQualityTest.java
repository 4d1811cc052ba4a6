package io.sparkps.examples.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.examples.data.ReferenceFigures;
import io.sparkps.examples.data.SyntheticData;
import io.sparkps.examples.data.SyntheticDataFrames;
import io.sparkps.ml.classification.PsLogisticRegression;
import io.sparkps.ml.evaluation.Metrics;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method x optimizer of PsLogisticRegression on the shared generator's data, against the
 * true model (Bayes) and against spark.ml's LogisticRegression configured fairly (standardization
 * off, regParam picked from a grid on the same held-out rows) in the same JVM.
 */
class MethodQualityTest {

  /**
   * How far above the best spark.ml logloss a method may end. Plain SGD and Downpour (stale,
   * accumulated gradients) converge slowest on Zipf-distributed features; this covers them.
   */
  static final double MLLIB_MARGIN = 0.025;
  /** How far above the true model's logloss a method may end (the data is small: ~60k rows). */
  static final double BAYES_MARGIN = 0.10;

  private static SparkSession spark;
  private static Dataset<Row> train;
  private static Dataset<Row> heldOut;
  private static double bayes;
  private static double mllib;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("method-quality")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", "io.sparkps.spark.PsPlugin").getOrCreate();
    SyntheticData gen = SyntheticData.of(60_000, 1L << 18, 30, 42);
    Dataset<Row> all = SyntheticDataFrames.generate(spark, gen, 2).cache();
    train = SyntheticDataFrames.training(all).cache();
    heldOut = SyntheticDataFrames.heldOut(all).cache();
    bayes = ReferenceFigures.of(gen).bayes().logLoss();
    mllib = Double.MAX_VALUE;
    for (double reg : new double[] {1e-4, 1e-3, 1e-2}) {
      LogisticRegression lr = new LogisticRegression().setStandardization(false).setRegParam(reg).setMaxIter(30);
      double loss = logLoss(lr.fit(train).transform(heldOut));
      System.out.printf(Locale.ROOT, "spark.ml LogisticRegression regParam=%g: held-out logloss %.4f%n", reg, loss);
      mllib = Math.min(mllib, loss);
    }
    System.out.printf(Locale.ROOT, "Bayes %.4f, best spark.ml %.4f%n", bayes, mllib);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Stream<Arguments> combinations() {
    return Stream.of("dgd", "ipm", "downpour", "agd").flatMap(m ->
        Stream.of("sgd", "adagrad", "adam", "ftrl").map(o -> Arguments.of(m, o)));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("combinations")
  void reachesTheTrueModelWithinTheMarginAndNoWorseThanSparkMl(String method, String optimizer) {
    PsLogisticRegression lr = new PsLogisticRegression().setMethod(method).setOptimizer(optimizer)
        .setStepSize(stepSize(method, optimizer)).setMaxIter(epochs(method, optimizer)).setBatchSize(512)
        .setStaleness(2).setFetchEvery(2).setPushEvery(1).setNumPartitions(2);
    double loss = logLoss(lr.fit(train).transform(heldOut));
    System.out.printf(Locale.ROOT, "%-8s %-7s held-out logloss %.4f (Bayes %.4f, spark.ml %.4f)%n", method, optimizer,
        loss, bayes, mllib);
    assertTrue(loss <= mllib + MLLIB_MARGIN, method + "/" + optimizer + ": " + loss + " vs spark.ml " + mllib);
    assertTrue(loss <= bayes + BAYES_MARGIN, method + "/" + optimizer + ": " + loss + " vs Bayes " + bayes);
  }

  /**
   * Learning rates per optimizer, as a user would pick them: gradients are summed over a mini-batch
   * (per row for ipm's local passes), so plain SGD needs a small rate, smaller still for Downpour's
   * accumulated gradients.
   */
  static double stepSize(String method, String optimizer) {
    switch (optimizer) {
      case "sgd": return method.equals("ipm") ? 0.02 : method.equals("downpour") ? 0.0005 : 0.001;
      case "adam": return 0.01;
      default: return 0.1;
    }
  }

  /** Plain SGD on mini-batches needs more passes; everything else overfits after two. */
  static int epochs(String method, String optimizer) {
    return optimizer.equals("sgd") && !method.equals("ipm") ? 5 : 2;
  }

  static double logLoss(Dataset<Row> scored) {
    return Metrics.evaluate(scored).logLoss();
  }
}
