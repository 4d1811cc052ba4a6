package io.sparkps.examples.data;

import io.sparkps.ml.evaluation.Metrics;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticDataFramesTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder()
        .appName("SyntheticDataFramesTest")
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void dataFrameRowsAreTheGeneratorRows() {
    SyntheticData data = SyntheticData.of(1_003, 1L << 12, 10, 4);
    Dataset<Row> df = SyntheticDataFrames.generate(spark, data, 3);
    assertEquals(SyntheticDataFrames.SCHEMA, df.schema());
    assertEquals(3, df.rdd().getNumPartitions());
    List<Row> rows = df.collectAsList();
    assertEquals(1_003, rows.size());
    for (int r = 0; r < rows.size(); r++) {
      SyntheticData.Row expected = data.row(r);
      Row actual = rows.get(r);
      assertEquals(expected.label(), actual.getDouble(0), "row " + r);
      SparseVector v = (SparseVector) actual.<Vector>getAs("features");
      assertEquals(1 << 12, v.size());
      assertArrayEquals(expected.features(), java.util.Arrays.stream(v.indices()).asLongStream().toArray());
      assertEquals(expected.heldOut(), actual.getBoolean(2));
    }
    assertEquals(100, SyntheticDataFrames.heldOut(df).count());
    assertEquals(903, SyntheticDataFrames.training(df).count());
  }

  @Test
  void sparkMlLogisticRegressionLearnsTheData() {
    SyntheticData data = SyntheticData.of(20_000, 1L << 16);
    Dataset<Row> all = SyntheticDataFrames.generate(spark, data, 2).cache();
    try {
      LogisticRegressionModel model = new LogisticRegression()
          .setStandardization(false)
          .setRegParam(1e-4)
          .setMaxIter(10)
          .fit(SyntheticDataFrames.training(all));
      List<Row> scored = model.transform(SyntheticDataFrames.heldOut(all)).select("probability", "label")
          .collectAsList();
      double[] p = new double[scored.size()];
      double[] y = new double[scored.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = scored.get(i).<Vector>getAs(0).apply(1);
        y[i] = scored.get(i).getDouble(1);
      }
      double auc = Metrics.auc(p, y);
      double logLoss = Metrics.logLoss(p, y);
      System.out.printf("spark.ml LogisticRegression N=20000 D=2^16 maxIter=10 regParam=1e-4: held-out "
          + "logloss=%.4f auc=%.4f (%d rows)%n", logLoss, auc, p.length);
      assertEquals(2_000, p.length);
      assertTrue(auc > 0.6, "held-out AUC " + auc);
    } finally {
      all.unpersist();
    }
  }
}
