package io.sparkps.ml.classification;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What training recorded, one entry per epoch: the training logloss and, when the estimator had a
 * {@code validationIndicatorCol}, the held-out logloss and AUC after the epoch and the time it took
 * to get there. Immutable.
 */
public final class PsLogisticRegressionSummary implements Serializable {

  private static final long serialVersionUID = 3L;
  private final double[] objectiveHistory;
  private final double[] validationLogLoss;
  private final double[] validationAuc;
  private final double[] elapsedSeconds;
  private final double[] validationSeconds;
  private final EpochBreakdown[] breakdown;
  /** Null in summaries serialised before it existed: read as unmeasured. */
  private final EpochStats[] stats;

  /** A summary without validation figures (NaN) or timings (NaN). */
  public PsLogisticRegressionSummary(double[] objectiveHistory) {
    this(objectiveHistory, nans(objectiveHistory.length), nans(objectiveHistory.length),
        nans(objectiveHistory.length), nans(objectiveHistory.length));
  }

  /** All arrays have one entry per epoch; NaN where a figure was not measured. */
  public PsLogisticRegressionSummary(double[] objectiveHistory, double[] validationLogLoss, double[] validationAuc,
      double[] elapsedSeconds, double[] validationSeconds) {
    this(objectiveHistory, validationLogLoss, validationAuc, elapsedSeconds, validationSeconds,
        Collections.nCopies(objectiveHistory.length, EpochBreakdown.unmeasured()));
  }

  /** All arrays and {@code breakdown} have one entry per epoch; NaN where a figure was not measured. */
  public PsLogisticRegressionSummary(double[] objectiveHistory, double[] validationLogLoss, double[] validationAuc,
      double[] elapsedSeconds, double[] validationSeconds, List<EpochBreakdown> breakdown) {
    this(objectiveHistory, validationLogLoss, validationAuc, elapsedSeconds, validationSeconds, breakdown,
        Collections.nCopies(objectiveHistory.length, EpochStats.unmeasured()));
  }

  /**
   * All arrays, {@code breakdown} and {@code stats} have one entry per epoch; NaN (or unmeasured
   * stats) where a figure was not measured.
   */
  public PsLogisticRegressionSummary(double[] objectiveHistory, double[] validationLogLoss, double[] validationAuc,
      double[] elapsedSeconds, double[] validationSeconds, List<EpochBreakdown> breakdown, List<EpochStats> stats) {
    int n = objectiveHistory.length;
    if (breakdown.size() != n || stats.size() != n) {
      throw new IllegalArgumentException("summary arrays differ in length: epochs=" + n + ", breakdown="
          + breakdown.size() + ", stats=" + stats.size());
    }
    this.stats = stats.toArray(new EpochStats[0]);
    this.breakdown = breakdown.toArray(new EpochBreakdown[0]);
    if (validationLogLoss.length != n || validationAuc.length != n || elapsedSeconds.length != n
        || validationSeconds.length != n) {
      throw new IllegalArgumentException("summary arrays differ in length: epochs=" + n + ", validationLogLoss="
          + validationLogLoss.length + ", validationAuc=" + validationAuc.length + ", elapsedSeconds="
          + elapsedSeconds.length + ", validationSeconds=" + validationSeconds.length);
    }
    this.objectiveHistory = objectiveHistory.clone();
    this.validationLogLoss = validationLogLoss.clone();
    this.validationAuc = validationAuc.clone();
    this.elapsedSeconds = elapsedSeconds.clone();
    this.validationSeconds = validationSeconds.clone();
  }

  /** Training logloss per epoch (mean over the rows, measured while the epoch trained). */
  public double[] objectiveHistory() {
    return objectiveHistory.clone();
  }

  /** Held-out logloss after each epoch (the validation rows); NaN without a validationIndicatorCol. */
  public double[] validationLogLoss() {
    return validationLogLoss.clone();
  }

  /** Held-out AUC after each epoch; NaN without a validationIndicatorCol. */
  public double[] validationAuc() {
    return validationAuc.clone();
  }

  /**
   * Seconds from the start of {@code fit} to the end of each epoch, not counting the time spent
   * scoring the validation rows: the cost of training alone up to that epoch.
   */
  public double[] elapsedSeconds() {
    return elapsedSeconds.clone();
  }

  /** Seconds spent scoring the validation rows after each epoch (0 without validation). */
  public double[] validationSeconds() {
    return validationSeconds.clone();
  }

  /**
   * Where each epoch's time went: the training tasks' mean time computing, waiting for pulls, for
   * push acknowledgements and at clocks, preparing rows, Spark's scheduling, and the held-out
   * scoring ({@link EpochBreakdown}); all NaN where not measured.
   */
  public List<EpochBreakdown> epochBreakdown() {
    return List.of(breakdown);
  }

  /**
   * Each epoch's training seconds, rows trained, maximum staleness and time blocked at clocks
   * ({@link EpochStats}; the figures of the progress line). Unmeasured in summaries loaded from disk.
   */
  public List<EpochStats> epochStats() {
    return stats == null ? Collections.nCopies(objectiveHistory.length, EpochStats.unmeasured()) : List.of(stats);
  }

  /**
   * A few lines for people, e.g.
   * <pre>
   * PsLogisticRegression: 6 epochs in 28.40 s of training (+ 2.03 s scoring held-out rows)
   * final training logloss 0.4716, held-out logloss 0.5381, AUC 0.8035
   * last epoch: 4.23 s, 11328 rows/s, max staleness 1, blocked at clocks 1.01 s
   * last epoch's time: compute 0.51 s, pull wait 0.30, push wait 0.20, clock wait 1.00, prepare 0.00, ...
   * </pre>
   * Figures not measured (summaries loaded from disk have no per-epoch stats) are left out.
   */
  public String report() {
    int n = objectiveHistory.length;
    return SummaryFormat.report("PsLogisticRegression", objectiveHistory, validationLogLoss, validationAuc,
        n == 0 ? Double.NaN : elapsedSeconds[n - 1], SummaryFormat.sum(validationSeconds),
        n == 0 ? EpochStats.unmeasured() : epochStats().get(n - 1),
        n == 0 ? EpochBreakdown.unmeasured() : breakdown[n - 1]);
  }

  public int totalIterations() {
    return objectiveHistory.length;
  }

  /**
   * The per-epoch figures as values, e.g. {@code PsLogisticRegressionSummary(epochs=2,
   * objectiveHistory=[0.6512, 0.6101], validationLogLoss=[0.6601, 0.6237], validationAuc=[0.7012,
   * 0.7340], elapsedSeconds=[1.21, 2.04], validationSeconds=[0.08, 0.07])}; without validation rows
   * the validation figures are left out.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("PsLogisticRegressionSummary(epochs=").append(objectiveHistory.length)
        .append(", objectiveHistory=").append(SummaryFormat.values(objectiveHistory, 4));
    if (SummaryFormat.anyMeasured(validationLogLoss)) {
      b.append(", validationLogLoss=").append(SummaryFormat.values(validationLogLoss, 4))
          .append(", validationAuc=").append(SummaryFormat.values(validationAuc, 4));
    }
    b.append(", elapsedSeconds=").append(SummaryFormat.values(elapsedSeconds, 2));
    if (SummaryFormat.anyMeasured(validationLogLoss)) {
      b.append(", validationSeconds=").append(SummaryFormat.values(validationSeconds, 2));
    }
    return b.append(')').toString();
  }

  private static double[] nans(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }
}
