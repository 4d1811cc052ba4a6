package io.sparkps.ml.classification;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.update.UpdaterSpec;
import java.io.Serializable;

/**
 * Hyper-parameters of parameter-server logistic regression: epochs, mini-batch size, the server-side
 * optimizer, per-example L1/L2 strength (applied by the workers to the coordinates each row
 * touches; FTRL takes its own l1/l2 instead), and the consistency model gating the workers.
 * Immutable.
 */
public record LrSettings(int epochs, int batchSize, UpdaterSpec optimizer, double l1, double l2,
    Consistency consistency) implements Serializable {

  /** Without L1. */
  public LrSettings(int epochs, int batchSize, UpdaterSpec optimizer, double l2, Consistency consistency) {
    this(epochs, batchSize, optimizer, 0, l2, consistency);
  }

  public LrSettings {
    requireArgument(epochs >= 1, "epochs must be >= 1: epochs=%s", epochs);
    requireArgument(batchSize >= 1, "batchSize must be >= 1: batchSize=%s", batchSize);
    requireArgument(l1 >= 0 && Double.isFinite(l1), "l1 must be finite and >= 0: l1=%s", l1);
    requireArgument(l2 >= 0 && Double.isFinite(l2), "l2 must be finite and >= 0: l2=%s", l2);
    java.util.Objects.requireNonNull(optimizer, "optimizer");
    java.util.Objects.requireNonNull(consistency, "consistency");
  }

  /** AdaGrad (lr 0.1), batches of 1024, no L2, SSP(2), {@code epochs} passes. */
  public static LrSettings defaults(int epochs) {
    return new LrSettings(epochs, 1024, UpdaterSpec.adagrad(0.1), 0, Consistency.ssp(2));
  }
}
