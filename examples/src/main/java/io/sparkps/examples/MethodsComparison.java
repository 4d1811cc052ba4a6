package io.sparkps.examples;

import io.sparkps.examples.data.ReferenceFigures;
import io.sparkps.examples.data.SyntheticData;
import io.sparkps.examples.data.SyntheticDataFrames;
import io.sparkps.ml.classification.PsLogisticRegression;
import io.sparkps.ml.evaluation.Metrics;
import java.util.Locale;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Each PsLogisticRegression method with its best optimizer next to spark.ml's LogisticRegression,
 * on the same cached data, in one JVM: held-out logloss, AUC and training time. Usage:
 * {@code scripts/run-example compare [--n 1000000] [--d 2^24] [--mllib-reg 1e-4] [--mllib-iter 30] [--skip-mllib true]}.
 */
public final class MethodsComparison {

  private MethodsComparison() {}

  public static void main(String[] argv) {
    Args args = new Args(argv, "options: --n ROWS --d FEATURES --partitions P --mllib-reg R --mllib-iter I --skip-mllib true");
    SparkSession spark = SparkSession.builder().appName("spark-ps methods vs spark.ml").master("local[*]")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.driver.maxResultSize", "0")
        .config("spark.plugins", "io.sparkps.spark.PsPlugin").getOrCreate();
    try {
      SyntheticData gen = SyntheticData.of(args.longValue("n", 1_000_000), args.longValue("d", 1L << 24), 30, 42);
      int partitions = args.intValue("partitions", spark.sparkContext().defaultParallelism());
      Dataset<Row> all = SyntheticDataFrames.generate(spark, gen, partitions).cache();
      Dataset<Row> train = SyntheticDataFrames.training(all).cache();
      Dataset<Row> held = SyntheticDataFrames.heldOut(all).cache();
      System.out.printf(Locale.ROOT, "data: N=%,d D=%,d, %,d training rows, %,d held out%n", gen.n(), gen.d(),
          train.count(), held.count());
      ReferenceFigures ref = ReferenceFigures.of(gen);
      System.out.printf(Locale.ROOT, "%-28s %10s %8s %10s%n", "model", "logloss", "AUC", "train s");
      System.out.printf(Locale.ROOT, "%-28s %10.4f %8.4f %10s%n", "constant (base rate)", ref.constant().logLoss(), 0.5, "-");
      System.out.printf(Locale.ROOT, "%-28s %10.4f %8.4f %10s%n", "true model (Bayes)", ref.bayes().logLoss(),
          ref.bayes().auc(), "-");
      String[][] runs = {{"dgd", "adam", "0.01"}, {"ipm", "adagrad", "0.1"}, {"downpour", "ftrl", "0.1"},
          {"agd", "ftrl", "0.1"}};
      for (String[] r : runs) {
        PsLogisticRegression lr = new PsLogisticRegression().setMethod(r[0]).setOptimizer(r[1])
            .setStepSize(Double.parseDouble(r[2])).setMaxIter(2).setBatchSize(1024).setFetchEvery(2).setPushEvery(1)
            .setStaleness(2).setNumPartitions(partitions);
        report(r[0] + " + " + r[1], lr, train, held);
      }
      if (!args.string("skip-mllib", "false").equals("true")) {
        LogisticRegression mllib = new LogisticRegression().setStandardization(false)
            .setRegParam(args.doubleValue("mllib-reg", 1e-4)).setMaxIter(args.intValue("mllib-iter", 30));
        report("spark.ml LogisticRegression", mllib, train, held);
      }
    } finally {
      spark.stop();
    }
  }

  private static <M extends Model<M>> void report(String name, org.apache.spark.ml.Estimator<M> est,
      Dataset<Row> train, Dataset<Row> held) {
    long start = System.nanoTime();
    M model = est.fit(train);
    double seconds = (System.nanoTime() - start) / 1e9;
    Metrics.Evaluation ev = Metrics.evaluate(model.transform(held));
    System.out.printf(Locale.ROOT, "%-28s %10.4f %8.4f %10.1f%n", name, ev.logLoss(), ev.auc(), seconds);
  }
}
