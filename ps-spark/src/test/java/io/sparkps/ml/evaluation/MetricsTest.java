package io.sparkps.ml.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void aucOfPerfectInverseAndConstantRankings() {
    double[] y = {0, 0, 1, 1};
    assertEquals(1.0, Metrics.auc(new double[] {0.1, 0.2, 0.8, 0.9}, y));
    assertEquals(0.0, Metrics.auc(new double[] {0.9, 0.8, 0.2, 0.1}, y));
    assertEquals(0.5, Metrics.auc(new double[] {0.3, 0.3, 0.3, 0.3}, y));
  }

  @Test
  void aucCountsTiesAsHalf() {
    // Pairs (pos, neg): scores pos {0.4, 0.8}, neg {0.1, 0.4, 0.9}.
    // 0.4 beats 0.1, ties 0.4, loses to 0.9 -> 1.5; 0.8 beats 0.1 and 0.4 -> 2. Total 3.5 / 6.
    double[] score = {0.1, 0.4, 0.4, 0.8, 0.9};
    double[] y = {0, 1, 0, 1, 0};
    assertEquals(3.5 / 6, Metrics.auc(score, y), 1e-15);
    // Rank formula with averaged ranks: ranks 1, 2.5, 2.5, 4, 5; positives 2.5 + 4 = 6.5; (6.5 - 3) / 6.
    assertEquals((6.5 - 3) / 6, Metrics.auc(score, y), 1e-15);
    // -0.0 and 0.0 are the same score.
    assertEquals(0.5, Metrics.auc(new double[] {-0.0, 0.0}, new double[] {1, 0}));
  }

  @Test
  void aucMatchesBruteForceOnRandomDataWithTies() {
    Random random = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 2 + random.nextInt(300);
      double[] score = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        score[i] = random.nextInt(20) / 4.0;
        y[i] = i < 2 ? i : random.nextInt(2);
      }
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (y[i] == 1 && y[j] == 0) {
            pairs++;
            wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
          }
        }
      }
      assertEquals(wins / pairs, Metrics.auc(score, y), 1e-12);
      Metrics.Accumulator acc = new Metrics.Accumulator();
      Metrics.Accumulator second = new Metrics.Accumulator();
      for (int i = 0; i < n; i++) {
        (i % 2 == 0 ? acc : second).add(score[i] / 5.0, y[i]);
      }
      acc.merge(second);
      assertEquals(wins / pairs, acc.auc(), 1e-12);
      assertEquals(n, acc.count());
    }
  }

  @Test
  void aucHandlesAMillionRows() {
    int n = 1_000_000;
    Random random = new Random(5);
    double[] score = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextInt(2);
      score[i] = random.nextGaussian() + y[i];
    }
    // Two unit normals one apart: AUC = Phi(1 / sqrt 2) = 0.7602.
    assertEquals(0.7602, Metrics.auc(score, y), 0.003);
  }

  @Test
  void logLossByHand() {
    double[] p = {0.9, 0.2, 0.5};
    double[] y = {1, 0, 1};
    double expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.5)) / 3;
    assertEquals(expected, Metrics.logLoss(p, y), 1e-15);
    assertEquals(Math.log(2), Metrics.logLoss(new double[] {0.5, 0.5}, new double[] {0, 1}), 1e-15);
    // Clipping: a confident wrong prediction costs -log(1e-15), not infinity.
    assertEquals(-Math.log(1e-15), Metrics.logLoss(new double[] {0.0}, new double[] {1}), 1e-9);
    assertEquals(-Math.log(1e-15), Metrics.logLoss(new double[] {1.0}, new double[] {0}), 1e-3);
    assertEquals(-Math.log(1 - 1e-15), Metrics.logLoss(new double[] {1.0}, new double[] {1}), 1e-18);
    Metrics.Accumulator acc = new Metrics.Accumulator();
    for (int i = 0; i < p.length; i++) {
      acc.add(p[i], y[i]);
    }
    assertEquals(expected, acc.logLoss(), 1e-15);
    assertEquals(new Metrics.Evaluation(3, acc.logLoss(), 1.0), acc.evaluation());
  }

  @Test
  void badInputIsRejected() {
    assertEquals("lengths: predictions=2, labels=1 (must be equal)", assertThrows(IllegalArgumentException.class,
        () -> Metrics.logLoss(new double[2], new double[1])).getMessage());
    assertEquals("label: y=0.5 (allowed 0 or 1)", assertThrows(IllegalArgumentException.class,
        () -> Metrics.auc(new double[] {1, 2}, new double[] {0.5, 1})).getMessage());
    assertEquals("auc: positives=2, negatives=0 (allowed: at least one of each)",
        assertThrows(IllegalArgumentException.class,
            () -> Metrics.auc(new double[] {1, 2}, new double[] {1, 1})).getMessage());
    assertEquals("score: score=NaN (allowed: not NaN)", assertThrows(IllegalArgumentException.class,
        () -> Metrics.auc(new double[] {Double.NaN, 2}, new double[] {0, 1})).getMessage());
    assertThrows(IllegalStateException.class, () -> new Metrics.Accumulator().logLoss());
  }
}
