package io.sparkps.ml.classification;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What factorization-machine training recorded: the training logloss of every epoch and where the
 * epoch's time went. Immutable.
 */
public final class PsFactorizationMachinesSummary implements Serializable {

  private static final long serialVersionUID = 2L;
  private final double[] objectiveHistory;
  private final EpochBreakdown[] breakdown;
  /** Null in summaries serialised before it existed: read as unmeasured. */
  private final EpochStats[] stats;

  /** A summary without time breakdowns (all NaN). */
  public PsFactorizationMachinesSummary(double[] objectiveHistory) {
    this(objectiveHistory, Collections.nCopies(objectiveHistory.length, EpochBreakdown.unmeasured()));
  }

  /** {@code breakdown} has one entry per epoch. */
  public PsFactorizationMachinesSummary(double[] objectiveHistory, List<EpochBreakdown> breakdown) {
    this(objectiveHistory, breakdown, Collections.nCopies(objectiveHistory.length, EpochStats.unmeasured()));
  }

  /** {@code breakdown} and {@code stats} have one entry per epoch. */
  public PsFactorizationMachinesSummary(double[] objectiveHistory, List<EpochBreakdown> breakdown,
      List<EpochStats> stats) {
    if (breakdown.size() != objectiveHistory.length || stats.size() != objectiveHistory.length) {
      throw new IllegalArgumentException("summary arrays differ in length: epochs=" + objectiveHistory.length
          + ", breakdown=" + breakdown.size() + ", stats=" + stats.size());
    }
    this.stats = stats.toArray(new EpochStats[0]);
    this.objectiveHistory = objectiveHistory.clone();
    this.breakdown = breakdown.toArray(new EpochBreakdown[0]);
  }

  /** Where each epoch's time went ({@link EpochBreakdown}; no held-out scoring here, so scoring is 0). */
  public List<EpochBreakdown> epochBreakdown() {
    return List.of(breakdown);
  }

  /** Training logloss per epoch (mean over the rows, measured while the epoch trained). */
  public double[] objectiveHistory() {
    return objectiveHistory.clone();
  }

  /**
   * Each epoch's training seconds, rows trained, maximum staleness and time blocked at clocks
   * ({@link EpochStats}; the figures of the progress line). Unmeasured in summaries loaded from disk.
   */
  public List<EpochStats> epochStats() {
    return stats == null ? Collections.nCopies(objectiveHistory.length, EpochStats.unmeasured()) : List.of(stats);
  }

  /**
   * Seconds of training from the first epoch's start to the end of each epoch (the epochs' {@link
   * EpochStats#seconds} added up); NaN where not measured.
   */
  public double[] elapsedSeconds() {
    double[] out = new double[objectiveHistory.length];
    double t = 0;
    List<EpochStats> s = epochStats();
    for (int e = 0; e < out.length; e++) {
      t += s.get(e).seconds();
      out[e] = t;
    }
    return out;
  }

  /**
   * A few lines for people: epochs and training time, the final training logloss, the last epoch's
   * rate, staleness and blocked time, and where its time went (as {@link
   * PsLogisticRegressionSummary#report}).
   */
  public String report() {
    int n = objectiveHistory.length;
    double[] nan = new double[n];
    Arrays.fill(nan, Double.NaN);
    return SummaryFormat.report("PsFactorizationMachines", objectiveHistory, nan, nan,
        n == 0 ? Double.NaN : elapsedSeconds()[n - 1], 0, n == 0 ? EpochStats.unmeasured() : epochStats().get(n - 1),
        n == 0 ? EpochBreakdown.unmeasured() : breakdown[n - 1]);
  }

  public int totalIterations() {
    return objectiveHistory.length;
  }

  /** E.g. {@code PsFactorizationMachinesSummary(epochs=2, objectiveHistory=[0.6512, 0.6101])}. */
  @Override
  public String toString() {
    return "PsFactorizationMachinesSummary(epochs=" + objectiveHistory.length + ", objectiveHistory="
        + SummaryFormat.values(objectiveHistory, 4) + ")";
  }
}
