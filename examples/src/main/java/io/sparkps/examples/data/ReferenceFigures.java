package io.sparkps.examples.data;

import io.sparkps.ml.evaluation.Metrics;

/**
 * The figures {@code BENCHMARKS.md} asks every run to report next to a trained model: the held-out logloss
 * of a constant prediction (the training base rate; its AUC is 0.5) and the held-out logloss and AUC of the
 * true model (the Bayes reference).
 *
 * @param trainingRows number of training rows
 * @param heldOutRows number of held-out rows
 * @param trainingBaseRate fraction of positive labels among the training rows
 * @param constant held-out figures of predicting {@code trainingBaseRate} everywhere
 * @param bayes held-out figures of {@link SyntheticData#trueProbability(SyntheticData.Row)}
 */
public record ReferenceFigures(
    long trainingRows, long heldOutRows, double trainingBaseRate, Metrics.Evaluation constant,
    Metrics.Evaluation bayes) {

  /** One pass over all N rows of {@code data}. Pure function of {@code data}; thread-safe. */
  public static ReferenceFigures of(SyntheticData data) {
    return of(data, () -> data.rows().iterator());
  }

  /** One pass over {@code rows} (e.g. a materialized list) generated from {@code data}. */
  public static ReferenceFigures of(SyntheticData data, Iterable<SyntheticData.Row> rows) {
    long training = 0;
    long trainingPositives = 0;
    Metrics.Accumulator bayes = new Metrics.Accumulator();
    long heldOutPositives = 0;
    for (SyntheticData.Row row : rows) {
      if (row.heldOut()) {
        bayes.add(data.trueProbability(row), row.label());
        if (row.label() == 1.0) {
          heldOutPositives++;
        }
      } else {
        training++;
        if (row.label() == 1.0) {
          trainingPositives++;
        }
      }
    }
    if (training == 0 || bayes.count() == 0) {
      throw new IllegalArgumentException("reference figures: trainingRows=" + training + ", heldOutRows="
          + bayes.count() + " (need at least one of each; n >= 10)");
    }
    double rate = (double) trainingPositives / training;
    long heldOut = bayes.count();
    double constantLogLoss = (heldOutPositives * Metrics.pointLogLoss(rate, 1.0)
        + (heldOut - heldOutPositives) * Metrics.pointLogLoss(rate, 0.0)) / heldOut;
    return new ReferenceFigures(
        training, heldOut, rate, new Metrics.Evaluation(heldOut, constantLogLoss, 0.5), bayes.evaluation());
  }

  @Override
  public String toString() {
    return String.format("train=%d heldOut=%d baseRate=%.4f constant[%s] bayes[%s]", trainingRows, heldOutRows,
        trainingBaseRate, constant, bayes);
  }
}
