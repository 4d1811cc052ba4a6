package io.sparkps.ml.classification;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.ml.SparseExample;
import java.util.Locale;

/**
 * The four ways Paracel solves logistic regression on a parameter server.
 *
 * <ul>
 *   <li>{@link #DGD} synchronous distributed gradient descent: each worker computes the gradient of
 *       its mini-batch with the current weights and pushes it; the servers apply the optimizer;
 *       BSP between mini-batches.</li>
 *   <li>{@link #IPM} iterative parameter mixtures: each worker pulls the model, runs local SGD (with
 *       the chosen optimizer, locally) over its whole partition for an epoch, and pushes its change
 *       divided by the number of workers; the servers sum, so the model becomes the average of the
 *       workers' models. BSP between epochs.</li>
 *   <li>{@link #DOWNPOUR} asynchronous SGD (Dean et al. 2012): a worker pulls the weights of the
 *       next {@code fetchEvery} mini-batches at once, computes their gradients with those (stale)
 *       weights, and pushes the accumulated gradient every {@code pushEvery} mini-batches; the
 *       servers apply the optimizer; workers are bounded by the staleness (SSP, or ASP with -1).</li>
 *   <li>{@link #AGD} Hogwild-style asynchronous gradient descent: like DGD, but no worker ever waits
 *       (ASP): each pushes its mini-batch gradient as soon as it has it.</li>
 * </ul>
 */
public enum LrMethod {
  DGD, IPM, DOWNPOUR, AGD;

  /** Parses {@code dgd}, {@code ipm}, {@code downpour}, {@code agd} (any case). */
  public static LrMethod parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown method: method=" + name + " (dgd, ipm, downpour, agd)", e);
    }
  }

  /** How workers are gated; {@code staleness} is used by DOWNPOUR only. */
  public Consistency consistency(int staleness) {
    switch (this) {
      case DGD:
      case IPM:
        return Consistency.bsp();
      case AGD:
        return Consistency.asp();
      default:
        return Consistency.ofStaleness(staleness);
    }
  }

  /** The servers' updater: IPM sums model changes; the others apply the optimizer to gradients. */
  UpdaterSpec serverUpdater(UpdaterSpec optimizer) {
    return this == IPM ? UpdaterSpec.sum() : optimizer;
  }

  /**
   * Epoch {@code epoch}'s function, preparing its batches from the rows at every call (no fit id)
   * and timing nothing.
   */
  TrainFunction<SparseExample> epoch(SparseTableHandle weights, DenseTableHandle losses, LrSettings settings,
      int epoch, int fetchEvery, int pushEvery, long seed) {
    return epoch(weights, losses, settings, epoch, fetchEvery, pushEvery, seed, null, null);
  }

  /**
   * Epoch {@code epoch}'s function; {@code fitId} (null: none) names the fit's prepared batches in the
   * executors' cache, {@code times} (null: none) collects the tasks' phases.
   */
  TrainFunction<SparseExample> epoch(SparseTableHandle weights, DenseTableHandle losses, LrSettings settings,
      int epoch, int fetchEvery, int pushEvery, long seed, String fitId, EpochTimes times) {
    switch (this) {
      case IPM:
        return new IpmEpochFunction(weights, losses, settings, epoch, seed, fitId, times);
      case DOWNPOUR:
        return new DownpourEpochFunction(weights, losses, settings, epoch, fetchEvery, pushEvery, fitId, times);
      default:
        return new LrEpochFunction(weights, losses, settings, epoch, fitId, times);
    }
  }
}
