package io.sparkps.ml.classification;

import io.sparkps.core.config.TableSpec;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.WorkerContext;

/**
 * The training loss of each epoch, summed on the servers in a small dense table: row e holds
 * (sum of weighted losses, sum of weights, rows) of epoch e (the streaming trainer uses the same
 * layout with a row per micro-batch). Workers add every mini-batch's loss with
 * that batch's clock, like its gradient, so a batch replayed after a task retry or a server
 * recovery counts exactly once and the epoch's mean covers every training row. Stateless.
 */
final class EpochLoss {

  private EpochLoss() {}

  /**
   * A fresh table {@code name} for {@code epochs} epochs. A table of that name left by an earlier
   * fit, or restored from another application's checkpoint, is dropped first: its sums belong to
   * other epochs.
   */
  static DenseTableHandle create(PsContext ps, String name, int epochs) {
    if (ps.routing().table(name).isPresent()) {
      ps.dropTable(name);
    }
    return ps.denseTable(TableSpec.dense(name, epochs, 3));
  }

  /** Adds one batch's summed loss, summed instance weight and rows to epoch {@code epoch}, with the worker's clock. */
  static void push(WorkerContext worker, DenseTableHandle losses, int epoch, double loss, double weight, int rows) {
    worker.pushAsync(losses, new long[] {epoch}, new float[] {(float) loss, (float) weight, rows});
  }

  /** Epoch {@code epoch}'s mean training loss over its rows' weights; NaN if it had none. */
  static double mean(DenseTableHandle losses, int epoch) {
    float[] sums = losses.pullRange(epoch, epoch + 1);
    return sums[1] > 0 ? sums[0] / sums[1] : Double.NaN;
  }
}
