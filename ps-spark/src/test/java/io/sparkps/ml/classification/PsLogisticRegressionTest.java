package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.spark.PsPlugin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PsLogisticRegression as spark.ml users meet it: save/load, Pipelines, CrossValidator, bad params. */
class PsLogisticRegressionTest {

  private static SparkSession spark;
  private static Dataset<Row> sparse;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ps-lr-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", PsPlugin.class.getName()).getOrCreate();
    sparse = TinyData.sparse(spark, 6_000, 1).repartition(2).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void estimatorAndModelSurviveSaveAndLoad() throws IOException {
    PsLogisticRegression lr = new PsLogisticRegression().setMethod("downpour").setOptimizer("ftrl")
        .setStaleness(1).setMaxIter(3).setBatchSize(256).setStepSize(0.2).setRegParam(1e-3)
        .setElasticNetParam(0.5).setSeed(7);
    lr.save(dir.resolve("estimator").toString());
    PsLogisticRegression lr2 = PsLogisticRegression.load(dir.resolve("estimator").toString());
    assertEquals(lr.uid(), lr2.uid());
    assertEquals(lr.extractParamMap().toString(), lr2.extractParamMap().toString());

    PsLogisticRegressionModel model = lr.fit(sparse);
    model.save(dir.resolve("model").toString());
    PsLogisticRegressionModel loaded = PsLogisticRegressionModel.load(dir.resolve("model").toString());
    assertEquals(model.uid(), loaded.uid());
    assertEquals(model.weights(), loaded.weights());
    assertArrayEquals(model.summary().objectiveHistory(), loaded.summary().objectiveHistory());
    assertEquals(model.extractParamMap().toString(), loaded.extractParamMap().toString());
    for (PsLogisticRegressionModel m : List.of(model, loaded)) {
      assertEquals("downpour", m.getMethod(), "the model carries its estimator's params");
      assertEquals("ftrl", m.getOptimizer());
      assertEquals(0.2, m.getStepSize());
      assertEquals(0.5, m.getElasticNetParam());
      assertEquals(7L, m.getSeed());
      assertEquals(3, m.getMaxIter());
    }
    assertTrue(model.summary().toString().startsWith("PsLogisticRegressionSummary(epochs=3, objectiveHistory=[0."),
        "prints its figures: " + model.summary());
    List<Row> a = model.transform(sparse).select("probability").collectAsList();
    List<Row> b = loaded.transform(sparse).select("probability").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      assertEquals(((Vector) a.get(i).get(0)).apply(1), ((Vector) b.get(i).get(0)).apply(1), 0.0);
    }
    assertThrows(IOException.class, () -> model.save(dir.resolve("model").toString()),
        "saving over an existing path needs overwrite()");
    model.write().overwrite().save(dir.resolve("model").toString());
  }

  @Test
  void worksInAPipelineAfterFeatureHasherAndItsOutputFeedsTheEvaluator() {
    Dataset<Row>[] split = TinyData.tabular(spark, 8_000, 3).randomSplit(new double[] {0.8, 0.2}, 5);
    FeatureHasher hasher = new FeatureHasher().setInputCols(new String[] {"city", "device", "age"})
        .setOutputCol("features").setNumFeatures(1 << 12);
    PsLogisticRegression lr = new PsLogisticRegression().setMaxIter(5).setBatchSize(128).setStepSize(0.3);
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {hasher, lr}).fit(split[0]);
    double auc = new BinaryClassificationEvaluator().evaluate(model.transform(split[1]));
    assertTrue(auc > 0.75, "held-out AUC " + auc);
  }

  @Test
  void worksAfterStringIndexerOneHotEncoderAndVectorAssembler() {
    Dataset<Row> data = TinyData.tabular(spark, 6_000, 4);
    StringIndexer indexer = new StringIndexer().setInputCols(new String[] {"city", "device"})
        .setOutputCols(new String[] {"cityIx", "deviceIx"});
    OneHotEncoder onehot = new OneHotEncoder().setInputCols(new String[] {"cityIx", "deviceIx"})
        .setOutputCols(new String[] {"cityVec", "deviceVec"});
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"cityVec", "deviceVec", "age"})
        .setOutputCol("features");
    PsLogisticRegression lr = new PsLogisticRegression().setMethod("ipm").setOptimizer("sgd").setStepSize(0.001)
        .setMaxIter(4);
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {indexer, onehot, assembler, lr}).fit(data);
    double auc = new BinaryClassificationEvaluator().evaluate(model.transform(data));
    assertTrue(auc > 0.65, "AUC " + auc);
  }

  @Test
  void crossValidatorPicksAModelFromAGrid() {
    PsLogisticRegression lr = new PsLogisticRegression().setMaxIter(2).setBatchSize(256);
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.stepSize(), new double[] {0.05, 0.3})
        .addGrid(lr.regParam(), new double[] {0.0, 1e-3}).build();
    CrossValidator cv = new CrossValidator().setEstimator(lr).setEstimatorParamMaps(grid)
        .setEvaluator(new BinaryClassificationEvaluator()).setNumFolds(3).setSeed(11);
    CrossValidatorModel best = cv.fit(sparse);
    assertEquals(4, best.avgMetrics().length);
    assertNotNull(best.bestModel());
    int winner = 0;
    for (int i = 0; i < grid.length; i++) {
      double m = best.avgMetrics()[i];
      assertTrue(m > 0.6, "every grid point learns: " + java.util.Arrays.toString(best.avgMetrics()));
      winner = m > best.avgMetrics()[winner] ? i : winner;
    }
    // The best model says which grid point won, as spark.ml's models do.
    PsLogisticRegressionModel model = (PsLogisticRegressionModel) best.bestModel();
    assertEquals(grid[winner].apply(lr.stepSize()), model.getStepSize());
    assertEquals(grid[winner].apply(lr.regParam()), model.getRegParam());
    assertEquals(2, model.getMaxIter());
    assertEquals(256, model.getBatchSize());
    String params = model.extractParamMap().toString();
    assertTrue(params.contains("stepSize: " + model.getStepSize()) && params.contains("regParam: "
        + model.getRegParam()), params);
  }

  @Test
  void stringParamsTakeAnyCaseAndKeepTheListedSpelling() {
    PsLogisticRegression lr = new PsLogisticRegression().setOptimizer("FTRL").setMethod("DownPour");
    assertEquals("ftrl", lr.getOptimizer());
    assertEquals("downpour", lr.getMethod());
    assertEquals("ftrl", lr.extractParamMap().apply(lr.optimizer()), "stored in the listed spelling");
    PsLogisticRegression fromGrid = lr.copy(ParamMap.empty().put(lr.optimizer(), "AdaGrad"));
    assertEquals("adagrad", fromGrid.getOptimizer(), "a value set through a ParamMap (a tuning grid) too");
    assertEquals("adam", new PsFactorizationMachines().setOptimizer("ADAM").getOptimizer());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> lr.setOptimizer("LBFGS"));
    assertTrue(bad.getMessage().contains("optimizer=LBFGS") && bad.getMessage().contains("adagrad"),
        bad.getMessage());
  }

  @Test
  void validationRowsAreScoredEveryEpochAndNeverTrainedOn() throws IOException {
    Column isVal = functions.monotonically_increasing_id().mod(5).equalTo(0);
    // One partition, so one worker: training is deterministic and two fits on the same rows agree.
    Dataset<Row> data = sparse.coalesce(1).withColumn("val", isVal).cache();
    PsLogisticRegression lr = new PsLogisticRegression().setMaxIter(3).setBatchSize(256).setTol(0);
    PsLogisticRegressionModel withVal = lr.copy(ParamMap.empty()).setValidationIndicatorCol("val").fit(data);
    PsLogisticRegressionModel trainOnly = lr.fit(data.filter(functions.not(functions.col("val"))));
    PsLogisticRegressionModel everything = lr.fit(data);

    // A fifth more rows moves the weights far beyond float noise: training on the validation rows would show.
    assertTrue(maxWeightDiff(withVal, trainOnly) < 1e-6, "same training rows: " + maxWeightDiff(withVal, trainOnly));
    assertTrue(maxWeightDiff(everything, withVal) > 1e-2, "more rows, other weights: "
        + maxWeightDiff(everything, withVal));

    PsLogisticRegressionSummary s = withVal.summary();
    assertEquals(3, s.totalIterations());
    double[] elapsed = s.elapsedSeconds();
    for (int e = 0; e < 3; e++) {
      assertTrue(Double.isFinite(s.validationLogLoss()[e]) && s.validationAuc()[e] > 0.5, "epoch " + e);
      assertTrue(s.validationSeconds()[e] > 0 && elapsed[e] > (e == 0 ? 0 : elapsed[e - 1]), "epoch " + e);
    }
    Dataset<Row> val = data.filter(functions.col("val"));
    assertEquals(Metrics.evaluate(withVal.transform(val)).logLoss(), s.validationLogLoss()[2], 1e-6, "the last epoch scored the validation rows");
    assertTrue(Double.isNaN(trainOnly.summary().validationLogLoss()[0]), "no validation column, no figure");

    withVal.save(dir.resolve("validated").toString());
    PsLogisticRegressionSummary loaded = PsLogisticRegressionModel.load(dir.resolve("validated").toString()).summary();
    assertArrayEquals(s.validationLogLoss(), loaded.validationLogLoss());
    assertArrayEquals(s.validationAuc(), loaded.validationAuc());
    assertArrayEquals(s.elapsedSeconds(), loaded.elapsedSeconds());
    assertArrayEquals(s.validationSeconds(), loaded.validationSeconds());
    assertEquals(3, s.epochBreakdown().size());
    for (EpochBreakdown b : s.epochBreakdown()) {
      for (double v : b.values()) {
        assertTrue(Double.isFinite(v) && v >= 0, "every phase measured: " + b);
      }
      assertTrue(b.compute() > 0 && b.scoring() > 0, "the epoch computed and was scored: " + b);
    }
    assertEquals(s.epochBreakdown(), loaded.epochBreakdown(), "the time breakdown is saved with the model");

    IllegalArgumentException notBoolean = assertThrows(IllegalArgumentException.class,
        () -> new PsLogisticRegression().setValidationIndicatorCol("label").fit(data));
    assertTrue(notBoolean.getMessage().contains("label") && notBoolean.getMessage().contains("boolean"),
        notBoolean.getMessage());
    data.unpersist();
  }

  @Test
  void inputsWithMorePartitionsThanSlotsOrCoalescedStillTrainInBarrierMode() {
    for (Dataset<Row> input : List.of(sparse.repartition(5), sparse.repartition(4).coalesce(3))) {
      PsLogisticRegressionModel m = new PsLogisticRegression().setMaxIter(1).setBatchSize(256).fit(input);
      assertEquals(1, m.summary().totalIterations());
      assertTrue(m.summary().objectiveHistory()[0] < 0.69, "learned: " + m.summary().objectiveHistory()[0]);
    }
  }

  private static double maxWeightDiff(PsLogisticRegressionModel a, PsLogisticRegressionModel b) {
    double max = Math.abs(a.weights().bias() - b.weights().bias());
    for (int j = 0; j < TinyData.FEATURES; j++) {
      max = Math.max(max, Math.abs(a.weights().weight(j) - b.weights().weight(j)));
    }
    return max;
  }

  /**
   * The weight table's feature lifecycle through the estimator's Params: a feature seen in one row
   * (one update an epoch, three in all) stays below admitAfter = 5 and gets no weight, while the
   * frequent features train as usual; the model carries the settings.
   */
  @Test
  void aFitWithAdmissionAndExpiryOnTheWeightTableTrainsEndToEnd() {
    int rare = TinyData.FEATURES - 1;
    List<Row> rows = new java.util.ArrayList<>();
    for (Row r : TinyData.sparse(spark, 6_000, 4).collectAsList()) {
      org.apache.spark.ml.linalg.SparseVector v = (org.apache.spark.ml.linalg.SparseVector) r.get(1);
      if (java.util.Arrays.stream(v.indices()).noneMatch(i -> i == rare)) {
        rows.add(r);
      }
    }
    rows.add(org.apache.spark.sql.RowFactory.create(1.0,
        org.apache.spark.ml.linalg.Vectors.sparse(TinyData.FEATURES, new int[] {rare}, new double[] {1.0})));
    Dataset<Row> data = spark.createDataFrame(rows, sparse.schema()).repartition(2);
    PsLogisticRegression lr = new PsLogisticRegression().setMaxIter(3).setBatchSize(256).setStepSize(0.3)
        .setAdmitAfter(5).setAdmissionSketchBytes(1 << 16).setExpireAfterClocks(10_000);
    PsLogisticRegressionModel model = lr.fit(data);
    assertEquals(0.0, model.weights().weight(rare), "seen 3 times, admitted at 5: no weight");
    assertTrue(model.weights().nonZeros() > 900, "frequent features are admitted: " + model.weights().nonZeros());
    double auc = new BinaryClassificationEvaluator().evaluate(model.transform(data));
    assertTrue(auc > 0.75, "training AUC " + auc);
    assertEquals(5, model.getAdmitAfter());
    assertEquals(10_000, model.getExpireAfterClocks());
    PsLogisticRegression plain = new PsLogisticRegression().setMaxIter(3).setBatchSize(256).setStepSize(0.3);
    assertTrue(plain.fit(data).weights().weight(rare) != 0.0, "without admission the rare feature trains");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lr.setAdmitAfter(0));
    assertTrue(e.getMessage().contains("admitAfter"), e.getMessage());
  }

  @Test
  void badParamsFailAtSetOrFitNamingTheParamAndRange() {
    PsLogisticRegression lr = new PsLogisticRegression();
    IllegalArgumentException method = assertThrows(IllegalArgumentException.class, () -> lr.setMethod("newton"));
    assertTrue(method.getMessage().contains("method") && method.getMessage().contains("downpour"), method.getMessage());
    IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> lr.setBatchSize(0));
    assertTrue(batch.getMessage().contains("batchSize") && batch.getMessage().contains(">= 1"), batch.getMessage());
    IllegalArgumentException step = assertThrows(IllegalArgumentException.class, () -> lr.setStepSize(-1));
    assertTrue(step.getMessage().contains("stepSize"), step.getMessage());
    IllegalArgumentException std = assertThrows(IllegalArgumentException.class,
        () -> new PsLogisticRegression().setStandardization(true).fit(sparse));
    assertTrue(std.getMessage().contains("standardization"), std.getMessage());
    IllegalArgumentException col = assertThrows(IllegalArgumentException.class,
        () -> new PsLogisticRegression().setFeaturesCol("nope").fit(sparse));
    assertTrue(col.getMessage().contains("nope"), col.getMessage());
  }
}
