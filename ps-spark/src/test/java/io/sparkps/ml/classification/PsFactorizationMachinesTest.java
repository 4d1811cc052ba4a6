package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.spark.PsPlugin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PsFactorizationMachines as spark.ml users meet it: beats LR on interactions, save/load, Pipelines, bad params. */
class PsFactorizationMachinesTest {

  private static final int FIELDS = 4;
  private static final int VALUES = 50;

  private static SparkSession spark;
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ps-fm-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", PsPlugin.class.getName()).getOrCreate();
    Dataset<Row>[] split = interactions(spark, 20_000, 42).randomSplit(new double[] {0.8, 0.2}, 7);
    train = split[0].repartition(2).cache();
    test = split[1].cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Four one-hot fields of 50 values (200 features, 4 active per row). The label's log-odds are
   * 2.5 s(a) s(b) for the values a, b of fields 0 and 1, with s = +-1 a hidden group of each value
   * (an XOR of groups: no single feature says anything about it), plus a linear N(0, 1) weight for
   * each value of fields 2 and 3. Logistic regression can only learn the linear part.
   */
  static Dataset<Row> interactions(SparkSession spark, int rows, long seed) {
    Random hidden = new Random(99);
    double[] sign = new double[FIELDS * VALUES];
    double[] linear = new double[FIELDS * VALUES];
    for (int j = 0; j < sign.length; j++) {
      sign[j] = hidden.nextBoolean() ? 1 : -1;
      linear[j] = hidden.nextGaussian();
    }
    Random rnd = new Random(seed);
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int[] idx = new int[FIELDS];
      for (int f = 0; f < FIELDS; f++) {
        idx[f] = f * VALUES + rnd.nextInt(VALUES);
      }
      double z = 2.5 * sign[idx[0]] * sign[idx[1]] + linear[idx[2]] + linear[idx[3]];
      double label = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
      out.add(RowFactory.create(label, Vectors.sparse(FIELDS * VALUES, idx, new double[] {1, 1, 1, 1})));
    }
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});
    return spark.createDataFrame(out, schema);
  }

  private static double logLoss(Dataset<Row> scored) {
    double sum = 0;
    List<Row> rows = scored.select("label", "probability").collectAsList();
    for (Row r : rows) {
      double p = Math.min(Math.max(((Vector) r.get(1)).apply(1), 1e-15), 1 - 1e-15);
      sum -= r.getDouble(0) > 0.5 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / rows.size();
  }

  @Test
  void learnsAPairwiseInteractionThatLogisticRegressionCannot() {
    PsLogisticRegressionModel lr = new PsLogisticRegression().setMaxIter(10).setBatchSize(256).setStepSize(0.1)
        .fit(train);
    PsFactorizationMachinesModel fm = new PsFactorizationMachines().setMaxIter(10).setBatchSize(256)
        .setStepSize(0.1).setFactorSize(4).setInitStd(0.1).fit(train);
    double lrLoss = logLoss(lr.transform(test));
    double fmLoss = logLoss(fm.transform(test));
    double[] history = fm.summary().objectiveHistory();
    System.out.printf("held-out logloss: FM %.4f, LR %.4f; FM training logloss per epoch %s%n", fmLoss, lrLoss,
        java.util.Arrays.toString(history));
    assertEquals(10, history.length);
    assertTrue(history[history.length - 1] < history[0], "training loss falls: " + java.util.Arrays.toString(history));
    assertTrue(fmLoss < lrLoss - 0.1, "FM " + fmLoss + " should beat LR " + lrLoss + " by 0.1");
    double auc = new BinaryClassificationEvaluator().evaluate(fm.transform(test));
    assertTrue(auc > 0.85, "FM held-out AUC " + auc);
  }

  @Test
  void estimatorAndModelSurviveSaveAndLoad() throws IOException {
    PsFactorizationMachines fm = new PsFactorizationMachines().setFactorSize(3).setInitStd(0.05)
        .setOptimizer("adam").setStaleness(1).setMaxIter(2).setBatchSize(512).setStepSize(0.05)
        .setRegParam(1e-4).setSeed(7).setThreshold(0.4);
    fm.save(dir.resolve("estimator").toString());
    PsFactorizationMachines fm2 = PsFactorizationMachines.load(dir.resolve("estimator").toString());
    assertEquals(fm.uid(), fm2.uid());
    assertEquals(fm.extractParamMap().toString(), fm2.extractParamMap().toString());

    PsFactorizationMachinesModel model = fm.fit(train);
    assertEquals(3, model.getFactorSize());
    assertEquals(0.4, model.getThreshold());
    model.save(dir.resolve("model").toString());
    PsFactorizationMachinesModel loaded = PsFactorizationMachinesModel.load(dir.resolve("model").toString());
    assertEquals(model.uid(), loaded.uid());
    assertEquals(model.factors(), loaded.factors());
    assertEquals(FIELDS * VALUES, loaded.factors().indices().length, "every feature got a row");
    assertArrayEquals(model.summary().objectiveHistory(), loaded.summary().objectiveHistory());
    assertEquals(model.extractParamMap().toString(), loaded.extractParamMap().toString());
    for (PsFactorizationMachinesModel m : List.of(model, loaded)) {
      assertEquals("adam", m.getOptimizer(), "the model carries its estimator's params");
      assertEquals(0.05, m.getStepSize());
      assertEquals(0.05, m.getInitStd());
      assertEquals(1e-4, m.getRegParam());
      assertEquals(1, m.getStaleness());
      assertEquals(7L, m.getSeed());
    }
    assertEquals("PsFactorizationMachinesSummary(epochs=2, objectiveHistory="
        + SummaryFormat.values(model.summary().objectiveHistory(), 4) + ")", model.summary().toString());
    List<Row> a = model.transform(test).select("rawPrediction", "probability", "prediction").collectAsList();
    List<Row> b = loaded.transform(test).select("rawPrediction", "probability", "prediction").collectAsList();
    assertEquals(a, b, "identical predictions");
    assertThrows(IOException.class, () -> model.save(dir.resolve("model").toString()),
        "saving over an existing path needs overwrite()");
    model.write().overwrite().save(dir.resolve("model").toString());

    PsFactorizationMachinesModel copy = model.copy(ParamMap.empty().put(model.threshold(), 0.9));
    assertSame(model.factors(), copy.factors());
    assertEquals(0.9, copy.getThreshold());
    assertEquals(0.4, model.getThreshold());
  }

  @Test
  void worksInAPipelineAfterFeatureHasherAndItsOutputFeedsTheEvaluator() {
    Dataset<Row>[] split = TinyData.tabular(spark, 8_000, 3).randomSplit(new double[] {0.8, 0.2}, 5);
    FeatureHasher hasher = new FeatureHasher().setInputCols(new String[] {"city", "device", "age"})
        .setCategoricalCols(new String[] {"age"}).setOutputCol("features").setNumFeatures(1 << 12);
    PsFactorizationMachines fm = new PsFactorizationMachines().setMaxIter(5).setBatchSize(128).setStaleness(-1);
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {hasher, fm}).fit(split[0]);
    double auc = new BinaryClassificationEvaluator().evaluate(model.transform(split[1]));
    assertTrue(auc > 0.75, "held-out AUC " + auc);
  }

  @Test
  void badParamsFailAtSetNamingTheParamAndRange() {
    PsFactorizationMachines fm = new PsFactorizationMachines();
    IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> fm.setFactorSize(0));
    assertTrue(k.getMessage().contains("factorSize") && k.getMessage().contains(">= 1"), k.getMessage());
    IllegalArgumentException std = assertThrows(IllegalArgumentException.class, () -> fm.setInitStd(-1));
    assertTrue(std.getMessage().contains("initStd") && std.getMessage().contains("> 0"), std.getMessage());
    IllegalArgumentException stale = assertThrows(IllegalArgumentException.class, () -> fm.setStaleness(-2));
    assertTrue(stale.getMessage().contains("staleness") && stale.getMessage().contains(">= -1"), stale.getMessage());
    IllegalArgumentException opt = assertThrows(IllegalArgumentException.class, () -> fm.setOptimizer("lbfgs"));
    assertTrue(opt.getMessage().contains("optimizer") && opt.getMessage().contains("adagrad"), opt.getMessage());
    assertEquals(8, fm.getFactorSize(), "a refused value leaves the param as it was");
    IllegalArgumentException col = assertThrows(IllegalArgumentException.class,
        () -> new PsFactorizationMachines().setFeaturesCol("nope").fit(train));
    assertTrue(col.getMessage().contains("nope"), col.getMessage());
  }
}
