package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.InvalidTrainingDataException;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.PsPlugin;
import io.sparkps.spark.testing.TrainingJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad training data fails once, at once, with one message naming the column, the value, where it
 * is and what to do: before any training run for the estimators (their conversion pass checks
 * it), in the first attempt of the first epoch for SparseExample input, never retried.
 */
class InvalidTrainingDataTest {

  private static final int ROWS = 200;
  /** The bad row: rows are split in order over two partitions, so it is row 50 of partition 1. */
  private static final int BAD = 150;
  private static final String WHERE = "partition 1, row 50";

  private static SparkSession spark;
  private static PsContext ps;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ps-invalid-data-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", PsPlugin.class.getName()).getOrCreate();
    ps = PsContext.getOrCreate(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Rows of (label, features, weight) in two partitions of 100 rows, in order, with {@code bad}
   * replacing row {@link #BAD}.
   */
  private static Dataset<Row> data(Row bad) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      int a = i % 500;
      rows.add(i == BAD ? bad : RowFactory.create((double) (i % 2),
          Vectors.sparse(1000, new int[] {a, 500 + a}, new double[] {1, 1}), 1.0));
    }
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, true),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), true),
        DataTypes.createStructField("w", DataTypes.DoubleType, true)});
    return spark.createDataFrame(ps.sparkContext().parallelize(rows, 2), schema);
  }

  private static InvalidTrainingDataException failsBeforeTraining(Dataset<Row> data,
      Function<Dataset<Row>, Object> fit) throws Exception {
    try (TrainingJobs jobs = TrainingJobs.watch(spark.sparkContext())) {
      InvalidTrainingDataException e = assertThrows(InvalidTrainingDataException.class, () -> fit.apply(data));
      assertEquals(List.of(), jobs.attempts(""), "no training run started");
      assertEquals(0, jobs.failedTasks(), "no task failed, so Spark retried none");
      assertTrue(e.getMessage().contains(WHERE), "names the row: " + e.getMessage());
      assertFalse(e.getMessage().contains("maxAttempts"), e.getMessage());
      return e;
    }
  }

  private static Object fitLr(Dataset<Row> d) {
    return new PsLogisticRegression().setMaxIter(1).setBatchSize(32).fit(d);
  }

  @Test
  void aLabelOfTwoFailsBeforeTrainingNamingTheColumnAndValue() throws Exception {
    Row bad = RowFactory.create(2.0, Vectors.sparse(1000, new int[] {1}, new double[] {1}), 1.0);
    InvalidTrainingDataException e = failsBeforeTraining(data(bad), InvalidTrainingDataTest::fitLr);
    assertTrue(e.getMessage().contains("column label has 2.0") && e.getMessage().contains("must be 0 or 1")
        && e.getMessage().contains("1 of 200 rows"), e.getMessage());
    InvalidTrainingDataException fm = failsBeforeTraining(data(bad),
        d -> new PsFactorizationMachines().setMaxIter(1).fit(d));
    assertEquals(e.getMessage(), fm.getMessage(), "the factorization machine checks the same way");
  }

  @Test
  void aNanOrInfiniteFeatureValueFailsBeforeTraining() throws Exception {
    Row nan = RowFactory.create(1.0, Vectors.sparse(1000, new int[] {3, 7}, new double[] {1, Double.NaN}), 1.0);
    InvalidTrainingDataException e = failsBeforeTraining(data(nan), InvalidTrainingDataTest::fitLr);
    assertTrue(e.getMessage().contains("column features has NaN at index 7") && e.getMessage().contains("Imputer"),
        e.getMessage());
    Row huge = RowFactory.create(1.0, Vectors.sparse(1000, new int[] {5}, new double[] {1e300}), 1.0);
    InvalidTrainingDataException beyond = failsBeforeTraining(data(huge), InvalidTrainingDataTest::fitLr);
    assertTrue(beyond.getMessage().contains("beyond float range"), beyond.getMessage());
  }

  @Test
  void aVectorBeyondTheDimensionFailsBeforeTraining() throws Exception {
    Row wide = RowFactory.create(1.0, Vectors.sparse(2000, new int[] {1500}, new double[] {1}), 1.0);
    InvalidTrainingDataException inferred = failsBeforeTraining(data(wide), InvalidTrainingDataTest::fitLr);
    assertTrue(inferred.getMessage().contains("column features holds vectors of different sizes, 1000")
        && inferred.getMessage().contains("and 2000 (" + WHERE + ")"), inferred.getMessage());

    Row fine = RowFactory.create(1.0, Vectors.sparse(1000, new int[] {1}, new double[] {1}), 1.0);
    Dataset<Row> declared500 = data(fine).withColumn("features", functions.col("features"),
        new AttributeGroup("features", 500).toMetadata());
    try (TrainingJobs jobs = TrainingJobs.watch(spark.sparkContext())) {
      InvalidTrainingDataException e = assertThrows(InvalidTrainingDataException.class, () -> fitLr(declared500));
      assertTrue(e.getMessage().contains("vectors of size 1000 (partition 0, row 0), but the model has 500 features"),
          e.getMessage());
      assertEquals(List.of(), jobs.attempts(""), "no training run started");
    }
  }

  @Test
  void missingValuesAndBadWeightsFailBeforeTraining() throws Exception {
    Row noFeatures = RowFactory.create(1.0, null, 1.0);
    InvalidTrainingDataException e = failsBeforeTraining(data(noFeatures), InvalidTrainingDataTest::fitLr);
    assertTrue(e.getMessage().contains("column features is null"), e.getMessage());
    Row negative = RowFactory.create(1.0, Vectors.sparse(1000, new int[] {1}, new double[] {1}), -1.0);
    InvalidTrainingDataException w = failsBeforeTraining(data(negative),
        d -> new PsLogisticRegression().setWeightCol("w").setMaxIter(1).fit(d));
    assertTrue(w.getMessage().contains("column w has -1.0") && w.getMessage().contains(">= 0"), w.getMessage());
  }

  @Test
  void noRowsToTrainOnOrToValidateWithIsNamed() {
    Row fine = RowFactory.create(1.0, Vectors.sparse(1000, new int[] {1}, new double[] {1}), 1.0);
    Dataset<Row> none = data(fine).limit(0);
    InvalidTrainingDataException empty = assertThrows(InvalidTrainingDataException.class, () -> fitLr(none));
    assertTrue(empty.getMessage().startsWith("no training rows in the input"), empty.getMessage());
    Dataset<Row> noneMarked = data(fine).withColumn("val", functions.lit(false));
    InvalidTrainingDataException unmarked = assertThrows(InvalidTrainingDataException.class,
        () -> new PsLogisticRegression().setValidationIndicatorCol("val").setMaxIter(1).fit(noneMarked));
    assertTrue(unmarked.getMessage().contains("no validation rows in the input: validationIndicatorCol marks no row "
        + "true"), unmarked.getMessage());
  }

  @Test
  void badSparseExamplesFailTheFirstEpochOnceInBarrierAndAsyncRuns() throws Exception {
    List<SparseExample> bad = List.of(new SparseExample(2.0, new long[] {1}, new float[] {1}),
        new SparseExample(1.0, new long[] {1, 7}, new float[] {1, Float.NaN}),
        new SparseExample(1.0, new long[] {-3}, new float[] {1}));
    List<String> says = List.of("SparseExample label has 2.0", "SparseExample features has NaN at index 7",
        "SparseExample features has index -3 outside [0, inf)");
    for (int b = 0; b < bad.size(); b++) {
      List<SparseExample> rows = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        rows.add(i == BAD ? bad.get(b) : new SparseExample(i % 2, new long[] {i % 50}, new float[] {1}));
      }
      JavaRDD<SparseExample> rdd = ps.sparkContext().parallelize(rows, 2);
      for (LrMethod method : List.of(LrMethod.DGD, LrMethod.AGD)) {
        String name = "bad-examples-" + b + "-" + method;
        LrSettings settings = new LrSettings(2, 32, UpdaterSpec.adagrad(0.1), 0, method.consistency(0));
        try (TrainingJobs jobs = TrainingJobs.watch(spark.sparkContext())) {
          InvalidTrainingDataException e = assertThrows(InvalidTrainingDataException.class,
              () -> SparseLogisticRegression.train(ps, name, rdd, null, settings, method, 4, 4, 0L, r -> { },
                  () -> false));
          assertTrue(e.getMessage().contains(WHERE) && e.getMessage().contains(says.get(b)),
              method + ": " + e.getMessage());
          assertEquals(1, jobs.attempts(name).size(), method + ": one attempt of one epoch: "
              + jobs.attempts(name));
        }
        ps.dropTable(name + ".w");
        ps.dropTable(name + ".loss");
      }
    }
    assertEquals(Consistency.asp(), LrMethod.AGD.consistency(0), "AGD ran as a plain (ASP) stage");
  }
}
