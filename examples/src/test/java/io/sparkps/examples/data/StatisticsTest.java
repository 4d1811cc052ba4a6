package io.sparkps.examples.data;

import io.sparkps.ml.evaluation.Metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statistical figures of BENCHMARKS.md at the small size (N = 100,000, D = 2^20), and the plain AdaGrad
 * baseline on them. Measured values are printed to the test output.
 */
class StatisticsTest {

  private static final SyntheticData DATA = SyntheticData.of(100_000, 1L << 20);
  private static List<SyntheticData.Row> rows;
  private static ReferenceFigures reference;

  @BeforeAll
  static void generate() {
    rows = DATA.rows().toList();
    reference = ReferenceFigures.of(DATA, rows);
    System.out.println("N=100000 D=2^20 K=30 seed=42: " + reference);
  }

  @Test
  void constantPredictionIsNearLog2() {
    assertEquals(90_000, reference.trainingRows());
    assertEquals(10_000, reference.heldOutRows());
    assertTrue(reference.trainingBaseRate() > 0.4 && reference.trainingBaseRate() < 0.6,
        "base rate " + reference.trainingBaseRate());
    double constant = reference.constant().logLoss();
    assertTrue(constant >= 0.6 && constant <= 0.7, "constant logloss " + constant);
    assertEquals(0.5, reference.constant().auc());
  }

  @Test
  void trueModelIsFarBetterThanConstant() {
    double bayes = reference.bayes().logLoss();
    assertTrue(bayes >= 0.45 && bayes <= 0.58, "Bayes logloss " + bayes + " (BENCHMARKS: ~0.517 at N=1M)");
    assertTrue(reference.bayes().auc() > 0.75, "Bayes AUC " + reference.bayes().auc() + " (BENCHMARKS: ~0.82)");
    assertTrue(bayes < reference.constant().logLoss() - 0.1);
  }

  @Test
  void plainAdagradLandsBetweenConstantAndBayes() {
    PlainAdagradBaseline baseline = PlainAdagradBaseline.create();
    PlainAdagradBaseline.Model model = baseline.train(rows, DATA.d());
    Metrics.Evaluation eval = PlainAdagradBaseline.evaluate(model, rows);
    System.out.println("plain AdaGrad (alpha 0.1, one pass) held out: " + eval + ", touched features "
        + model.touchedFeatures());
    assertEquals(90_000, model.updates());
    assertEquals(10_000, eval.count());
    assertTrue(eval.logLoss() < reference.constant().logLoss(), "AdaGrad logloss " + eval.logLoss());
    assertTrue(eval.logLoss() > reference.bayes().logLoss(), "AdaGrad logloss " + eval.logLoss());
    assertTrue(eval.auc() > 0.6 && eval.auc() < reference.bayes().auc(), "AdaGrad AUC " + eval.auc());

    // Hashed storage gives the same model as dense storage.
    PlainAdagradBaseline.Model hashed = PlainAdagradBaseline.builder().denseMaxD(0).build().train(rows, DATA.d());
    assertEquals(eval, PlainAdagradBaseline.evaluate(hashed, rows));
    assertEquals(model.touchedFeatures(), hashed.touchedFeatures());
    assertEquals(model.bias(), hashed.bias());
    for (long j : rows.get(3).features()) {
      assertEquals(model.weight(j), hashed.weight(j));
    }
  }

  @Test
  void onTheFlyRunMatchesMaterializedRows() {
    SyntheticData small = SyntheticData.of(5_000, 1L << 16);
    List<SyntheticData.Row> smallRows = small.rows().toList();
    PlainAdagradBaseline baseline = PlainAdagradBaseline.create(0.05);
    PlainAdagradBaseline.Result run = baseline.run(small);
    PlainAdagradBaseline.Model model = baseline.train(smallRows, small.d());
    assertEquals(PlainAdagradBaseline.evaluate(model, smallRows), run.heldOut());
    assertEquals(run.heldOut(), PlainAdagradBaseline.evaluate(run.model(), small));
    assertEquals(0.05, baseline.alpha());
  }

  @Test
  void baselineRejectsBadArguments() {
    assertEquals("learning rate: alpha=0.0 (allowed (0, 100])",
        assertThrows(IllegalArgumentException.class, () -> PlainAdagradBaseline.create(0)).getMessage());
    PlainAdagradBaseline.Model model =
        PlainAdagradBaseline.create().train(SyntheticData.of(20, 100).rows().toList(), 100);
    assertEquals(18, model.updates());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PlainAdagradBaseline.create().train(rows.subList(0, 10), 100)).getMessage()
        .startsWith("feature index: j="));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> model.weight(100)).getMessage()
        .startsWith("feature index: j=100 (allowed [0, 100))"));
  }
}
