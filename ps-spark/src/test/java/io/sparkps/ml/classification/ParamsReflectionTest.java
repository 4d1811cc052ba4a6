package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

/**
 * spark.ml finds Params by reflection (public no-argument methods returning a Param): the
 * accessors the estimators and models inherit from {@link HasClassifierColumns}, {@link HasLrParams}
 * and {@link HasFmParams} must all be found, owned by the instance, and survive {@code copy}.
 * No Spark session needed.
 */
class ParamsReflectionTest {

  private static final Set<String> COLUMNS = Set.of("featuresCol", "labelCol", "predictionCol",
      "probabilityCol", "rawPredictionCol", "threshold");
  private static final Set<String> LR = Set.of("weightCol", "validationIndicatorCol", "maxIter", "regParam",
      "elasticNetParam", "tol", "seed", "standardization", "method", "optimizer", "staleness", "batchSize",
      "stepSize", "numPartitions", "fetchEvery", "pushEvery", "expireAfterClocks", "admitAfter",
      "admissionSketchBytes");
  private static final Set<String> FM = Set.of("maxIter", "stepSize", "batchSize", "factorSize", "initStd",
      "regParam", "optimizer", "staleness", "numPartitions", "seed");

  @Test
  void logisticRegressionEstimatorAndModelExposeEveryParam() {
    checkParams(new PsLogisticRegression(), LR);
    checkParams(new PsLogisticRegressionModel("lrModel"), LR);
  }

  @Test
  void factorizationMachinesEstimatorAndModelExposeEveryParam() {
    checkParams(new PsFactorizationMachines(), FM);
    checkParams(new PsFactorizationMachinesModel("fmModel"), FM);
  }

  @Test
  void typedSettersChainAndGettersReadThroughTheSharedAccessors() {
    PsLogisticRegression lr = new PsLogisticRegression().setMaxIter(7).setOptimizer("FTRL").setThreshold(0.3);
    assertEquals(7, lr.getMaxIter());
    assertEquals("ftrl", lr.getOptimizer());
    assertEquals(0.3, lr.getThreshold());
    PsLogisticRegression copy = lr.copy(ParamMap.empty().put(lr.stepSize(), 0.5));
    assertEquals(0.5, copy.getStepSize());
    assertEquals(7, copy.getMaxIter());
    assertSame(copy.maxIter(), copy.getParam("maxIter"));
    PsFactorizationMachines fm = new PsFactorizationMachines().setFactorSize(3).setLabelCol("y");
    assertEquals(3, fm.getFactorSize());
    assertEquals("y", fm.getLabelCol());
  }

  private static void checkParams(Params owner, Set<String> own) {
    Set<String> expected = new TreeSet<>(COLUMNS);
    expected.addAll(own);
    Param<?>[] params = owner.params();
    Set<String> names = Arrays.stream(params).map(Param::name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, names, owner.getClass().getSimpleName());
    assertEquals(expected.size(), params.length, "each Param found once");
    for (Param<?> p : params) {
      assertEquals(owner.uid(), p.parent(), p.name());
      assertTrue(owner.explainParams().contains(p.name() + ": "), p.name());
    }
  }
}
