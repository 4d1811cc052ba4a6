package io.sparkps.ml.classification;

import java.io.Serializable;

/** What factorization-machine training recorded: the training logloss of every epoch. Immutable. */
public final class PsFactorizationMachinesSummary implements Serializable {

  private static final long serialVersionUID = 1L;
  private final double[] objectiveHistory;

  public PsFactorizationMachinesSummary(double[] objectiveHistory) {
    this.objectiveHistory = objectiveHistory.clone();
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
