package io.sparkps.ml.classification;

import io.sparkps.core.update.Updater;
import io.sparkps.core.update.Updaters;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.classification.EpochTimes.Phase;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.Iterator;
import java.util.Random;

/**
 * One epoch of iterative parameter mixing on one partition: pull the model for every key the
 * partition touches, run local SGD over the rows in a seeded random order with the optimizer's own
 * update rule (the same {@link Updater} the servers use, with fresh local state), then push the
 * change divided by the number of workers into a sum table, so the servers end up holding the
 * average of the workers' models. One clock per epoch.
 */
final class IpmEpochFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  private final SparseTableHandle weights;
  private final DenseTableHandle losses;
  private final LrSettings settings;
  private final int epoch;
  private final long seed;
  private final String fitId;
  private final EpochTimes times;

  IpmEpochFunction(SparseTableHandle weights, DenseTableHandle losses, LrSettings settings, int epoch, long seed,
      String fitId, EpochTimes times) {
    this.fitId = fitId;
    this.times = times;
    this.weights = weights;
    this.losses = losses;
    this.settings = settings;
    this.epoch = epoch;
    this.seed = seed;
  }

  @Override
  public void train(WorkerContext worker, Iterator<SparseExample> rows) {
    if (worker.currentClock() >= 1) {
      return; // a resumed worker whose mixing step was already applied
    }
    EpochTimes.Timer timer = new EpochTimes.Timer();
    // The whole partition as one batch, prepared once per fit ({@link PreparedBatches}).
    PreparedBatches data = PreparedBatches.cached(fitId, worker.id(), 0, rows, weights);
    timer.lap(Phase.PREPARE);
    if (data.size() == 0) {
      worker.clock();
      timer.lap(Phase.CLOCK);
      timer.report(times);
      return;
    }
    LocalBatch all = data.batch(0);
    float[] start = new float[all.keys.length];
    weights.pullInto(data.slices(0), start, 0);
    timer.lap(Phase.PULL);
    worker.countPulled(all.keys.length);  // the Spark UI's per-task counters
    worker.countRows(all.size());
    Updater updater = Updaters.create(settings.optimizer());
    int width = 1 + updater.stateWidth(1);
    float[] rowsState = new float[all.keys.length * width];
    for (int k = 0; k < all.keys.length; k++) {
      rowsState[k * width] = start[k];
      updater.initState(rowsState, k * width, 1);
    }
    int[] order = shuffled(all.size(), seed * 31 + epoch * 1_000_003L + worker.id());
    float[] g = new float[1];
    double loss = 0;
    double count = 0;
    int bias = LocalBatch.biasSlot();
    for (int r : order) {
      int[] slots = all.slots[r];
      float[] values = all.values[r];
      double z = rowsState[bias * width];
      for (int i = 0; i < slots.length; i++) {
        z += rowsState[slots[i] * width] * values[i];
      }
      double y = all.labels[r];
      double rw = all.weights[r];
      loss += rw * (y > 0.5 ? -LogisticMath.logSigmoid(z) : -LogisticMath.logSigmoid(-z));
      count += rw;
      double err = rw * (LogisticMath.sigmoid(z) - y);
      g[0] = (float) err;
      updater.apply(rowsState, bias * width, 1, g, 0);
      for (int i = 0; i < slots.length; i++) {
        float wk = rowsState[slots[i] * width];
        g[0] = (float) (err * values[i] + rw * (settings.l2() * wk + settings.l1() * Math.signum(wk)));
        updater.apply(rowsState, slots[i] * width, 1, g, 0);
      }
    }
    float[] delta = new float[all.keys.length];
    for (int k = 0; k < delta.length; k++) {
      delta[k] = (rowsState[k * width] - start[k]) / worker.numWorkers();
    }
    timer.lap(Phase.COMPUTE);
    worker.pushAsync(weights, data.slices(0), delta, 0);
    EpochLoss.push(worker, losses, epoch, loss, count, all.size());
    worker.awaitPushes();
    timer.lap(Phase.PUSH);
    worker.clock();
    timer.lap(Phase.CLOCK);
    timer.report(times);
  }

  private static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rnd = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
