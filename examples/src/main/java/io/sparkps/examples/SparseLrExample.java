package io.sparkps.examples;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.examples.data.ReferenceFigures;
import io.sparkps.examples.data.SyntheticData;
import io.sparkps.examples.data.SyntheticDataFrames;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.classification.LrSettings;
import io.sparkps.ml.classification.SparseLogisticRegression;
import io.sparkps.spark.PsContext;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Sparse binary logistic regression on the parameter server, end to end: generates the shared
 * synthetic data as a DataFrame (or reads libsvm files), trains with the optimizer on the servers
 * and SSP between workers, prints held-out logloss and AUC per epoch next to the constant and
 * Bayes references. Runs on an embedded {@code local[*]} Spark when no master is given
 * ({@code scripts/run-example lr}), or through spark-submit with the plugin.
 */
public final class SparseLrExample {

  static final String USAGE = String.join("\n",
      "Sparse logistic regression on spark-ps. Options (defaults in brackets):",
      "  --n ROWS [100000]   --d FEATURES [2^20]   --k FEATURES_PER_ROW [30]   --seed [42]",
      "  --data DIR          read libsvm files instead of generating (10% held out at random)",
      "  --partitions P [cores]   --epochs E [2]   --batch B [1024]   --staleness S [2] (-1 ASP, 0 BSP)",
      "  --optimizer ftrl|adagrad|sgd|adam [ftrl]   --lr [0.1]   --l1 [1] (ftrl only)   --l2 [0]",
      "  --master URL [local[*] when not set by spark-submit]");

  private SparseLrExample() {}

  public static void main(String[] argv) {
    Args args = new Args(argv, USAGE);
    SparkSession.Builder builder = SparkSession.builder().appName("spark-ps sparse LR");
    String master = args.string("master", null);
    if (master != null) {
      builder.master(master);
    } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
      builder.master("local[*]").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      run(spark, args);
    } finally {
      spark.stop();
    }
  }

  /** Trains and prints; returns the last epoch's result (used by tests). */
  static SparseLogisticRegression.EpochResult run(SparkSession spark, Args args) {
    int partitions = args.intValue("partitions", spark.sparkContext().defaultParallelism());
    long t0 = System.nanoTime();
    Dataset<Row> data;
    SyntheticData gen = null;
    String dir = args.string("data", null);
    if (dir == null) {
      gen = SyntheticData.of(args.longValue("n", 100_000), args.longValue("d", 1L << 20),
          args.intValue("k", 30), args.longValue("seed", 42));
      data = SyntheticDataFrames.generate(spark, gen, partitions);
    } else {
      Dataset<Row> raw = spark.read().format("libsvm").option("numFeatures", args.longValue("d", 1L << 20))
          .load(dir).repartition(partitions);
      data = raw.withColumn("heldOut", org.apache.spark.sql.functions.rand(args.longValue("seed", 42)).lt(0.1));
    }
    JavaRDD<SparseExample> train = examples(data.filter("NOT heldOut"), partitions);
    JavaRDD<SparseExample> heldOut = examples(data.filter("heldOut"), partitions);
    long trainRows = train.count();
    long heldOutRows = heldOut.count();
    System.out.printf(Locale.ROOT, "data: %,d training rows, %,d held out, %d partitions (%.1f s)%n",
        trainRows, heldOutRows, partitions, (System.nanoTime() - t0) / 1e9);
    if (gen != null) {
      printReferences(gen);
    }

    PsContext ps = PsContext.getOrCreate(spark);
    int staleness = args.intValue("staleness", 2);
    LrSettings settings = new LrSettings(args.intValue("epochs", 2), args.intValue("batch", 1024),
        optimizer(args.string("optimizer", "ftrl"), args.doubleValue("lr", 0.1), args.doubleValue("l1", 1)),
        args.doubleValue("l2", 0),
        Consistency.ofStaleness(staleness));
    System.out.printf(Locale.ROOT, "training: %s, optimizer %s, batch %d, %d servers%n", settings.consistency(),
        settings.optimizer(), settings.batchSize(), ps.routing().servers().size());
    System.out.printf(Locale.ROOT, "%5s %12s %14s %10s %9s %12s%n", "epoch", "train loss", "held-out loss",
        "AUC", "train s", "max blocked");
    long trainStart = System.nanoTime();
    SparseLogisticRegression.Result result = SparseLogisticRegression.train(ps, "example-lr", train, heldOut,
        settings, r -> System.out.printf(Locale.ROOT, "%5d %12.4f %14.4f %10.4f %9.2f %9d ms%n", r.epoch() + 1,
            r.trainLogLoss(), r.evalLogLoss(), r.evalAuc(), r.seconds(), r.maxBlockedMillis()));
    SparseLogisticRegression.EpochResult last = result.epochs().get(result.epochs().size() - 1);
    System.out.printf(Locale.ROOT, "model: %,d non-zero weights on the servers; trained in %.1f s; "
        + "final held-out logloss %.4f, AUC %.4f%n", result.weights().size(),
        (System.nanoTime() - trainStart) / 1e9, last.evalLogLoss(), last.evalAuc());
    train.unpersist();
    heldOut.unpersist();
    return last;
  }

  private static JavaRDD<SparseExample> examples(Dataset<Row> df, int partitions) {
    JavaRDD<SparseExample> rdd = df.select("label", "features").toJavaRDD()
        .map(r -> SparseExample.of(r.getDouble(0), (Vector) r.get(1)));
    return rdd.persist(StorageLevel.MEMORY_ONLY());
  }

  private static void printReferences(SyntheticData gen) {
    ReferenceFigures ref = ReferenceFigures.of(gen);
    System.out.printf(Locale.ROOT, "references on the held-out rows: constant logloss %.4f; "
        + "true model (Bayes) logloss %.4f, AUC %.4f%n", ref.constant().logLoss(), ref.bayes().logLoss(),
        ref.bayes().auc());
  }

  static UpdaterSpec optimizer(String name, double lr, double l1) {
    switch (name) {
      case "adagrad": return UpdaterSpec.adagrad(lr, 1e-8, 1.0);
      case "sgd": return UpdaterSpec.sgd(lr);
      case "adam": return UpdaterSpec.adam(lr);
      case "ftrl": return UpdaterSpec.ftrl(lr, 1.0, l1, 0);
      default: throw new IllegalArgumentException("unknown optimizer: " + name + " (adagrad, ftrl, sgd, adam)");
    }
  }
}
