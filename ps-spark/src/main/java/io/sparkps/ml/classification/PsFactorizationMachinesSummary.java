package io.sparkps.ml.classification;

import java.io.Serializable;
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

  /** A summary without time breakdowns (all NaN). */
  public PsFactorizationMachinesSummary(double[] objectiveHistory) {
    this(objectiveHistory, Collections.nCopies(objectiveHistory.length, EpochBreakdown.unmeasured()));
  }

  /** {@code breakdown} has one entry per epoch. */
  public PsFactorizationMachinesSummary(double[] objectiveHistory, List<EpochBreakdown> breakdown) {
    if (breakdown.size() != objectiveHistory.length) {
      throw new IllegalArgumentException("summary arrays differ in length: epochs=" + objectiveHistory.length
          + ", breakdown=" + breakdown.size());
    }
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
