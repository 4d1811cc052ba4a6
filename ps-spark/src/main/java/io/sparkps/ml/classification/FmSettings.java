package io.sparkps.ml.classification;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.update.UpdaterSpec;
import java.io.Serializable;
import java.util.Objects;

/**
 * Hyper-parameters of parameter-server factorization machines: epochs, mini-batch size, factor
 * size k, the servers' optimizer, per-example L2 on the touched rows (0 with FTRL, which applies
 * its own), and the consistency model gating the workers. Immutable.
 */
record FmSettings(int epochs, int batchSize, int factorSize, UpdaterSpec optimizer, double l2,
    Consistency consistency) implements Serializable {

  FmSettings {
    requireArgument(epochs >= 1, "epochs must be >= 1: epochs=%s", epochs);
    requireArgument(batchSize >= 1, "batchSize must be >= 1: batchSize=%s", batchSize);
    requireArgument(factorSize >= 1, "factorSize must be >= 1: factorSize=%s", factorSize);
    requireArgument(l2 >= 0 && Double.isFinite(l2), "l2 must be finite and >= 0: l2=%s", l2);
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(consistency, "consistency");
  }

  /** Floats per server row: w_j then v_j. */
  int dim() {
    return factorSize + 1;
  }
}
