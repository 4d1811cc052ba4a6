package io.sparkps.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.examples.data.PlainAdagradBaseline;
import io.sparkps.examples.data.ReferenceFigures;
import io.sparkps.examples.data.SyntheticData;
import io.sparkps.ml.classification.SparseLogisticRegression;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The example job on local[2] with the plugin: it learns (held-out logloss well below the constant
 * model's), and does as well as the single-threaded plain-Java AdaGrad pass on the same data.
 */
class SparseLrExampleTest {

  @Test
  void trainsToTheQualityOfTheSingleThreadedReference() {
    long n = 60_000;
    long d = 1L << 18;
    SyntheticData gen = SyntheticData.of(n, d, 30, 42);
    ReferenceFigures ref = ReferenceFigures.of(gen);
    double plain = PlainAdagradBaseline.create().run(gen).heldOut().logLoss();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("lr-example-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.plugins", "io.sparkps.spark.PsPlugin")
        .getOrCreate();
    SparseLogisticRegression.EpochResult last;
    try {
      last = SparseLrExample.run(spark, new Args(new String[] {"--n", Long.toString(n), "--d", "2^18",
          "--partitions", "2", "--epochs", "2", "--staleness", "2"}, SparseLrExample.USAGE));
    } finally {
      spark.stop();
    }
    System.out.printf("constant %.4f, bayes %.4f, plain adagrad %.4f, spark-ps %.4f (AUC %.4f)%n",
        ref.constant().logLoss(), ref.bayes().logLoss(), plain, last.evalLogLoss(), last.evalAuc());
    assertTrue(last.evalLogLoss() < ref.constant().logLoss() - 0.05,
        "clearly below the constant model: " + last.evalLogLoss() + " vs " + ref.constant().logLoss());
    assertTrue(last.evalLogLoss() > ref.bayes().logLoss(), "cannot beat the true model");
    assertTrue(last.evalLogLoss() <= plain + 0.01,
        "as good as one single-threaded AdaGrad pass: " + last.evalLogLoss() + " vs " + plain);
    assertTrue(last.evalAuc() > 0.72, "AUC " + last.evalAuc());
  }
}
