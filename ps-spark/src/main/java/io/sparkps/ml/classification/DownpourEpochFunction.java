package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One epoch of Downpour SGD on one partition: the mini-batches are grouped in fetch windows of
 * {@code fetchEvery}; a window's weights are pulled once and used (stale) for all its batches;
 * gradients accumulate and are pushed every {@code pushEvery} batches and at the window's end;
 * each push is one clock, so a resumed worker restarts at the push it had not completed; the
 * pushed batches' training loss goes with it ({@link EpochLoss}). Rows are checked first.
 */
final class DownpourEpochFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  private final SparseTableHandle weights;
  private final DenseTableHandle losses;
  private final LrSettings settings;
  private final int epoch;
  private final int fetchEvery;
  private final int pushEvery;

  DownpourEpochFunction(SparseTableHandle weights, DenseTableHandle losses, LrSettings settings, int epoch,
      int fetchEvery, int pushEvery) {
    this.weights = weights;
    this.losses = losses;
    this.settings = settings;
    this.epoch = epoch;
    this.fetchEvery = fetchEvery;
    this.pushEvery = Math.min(pushEvery, fetchEvery);
  }

  @Override
  public void train(WorkerContext worker, Iterator<SparseExample> rows) {
    SparseExample[] data = ExampleChecks.read(rows, worker.id());
    int batch = settings.batchSize();
    int batches = (data.length + batch - 1) / batch;
    List<int[]> pushes = schedule(batches);
    int pulledWindow = -1;
    LocalBatch window = null;
    float[] w = null;
    for (long c = worker.currentClock(); c < pushes.size(); c++) {
      int[] span = pushes.get((int) c);
      if (span[2] != pulledWindow) {
        // The whole fetch window's keys, pulled once and used (stale) for all its batches.
        pulledWindow = span[2];
        int windowEnd = Math.min(batches, pulledWindow + fetchEvery);
        window = LocalBatch.of(data, pulledWindow * batch, Math.min(data.length, windowEnd * batch));
        w = weights.pull(window.keys);
      }
      // The accumulated gradient of pushEvery batches at the same weights is the gradient of their union.
      LocalBatch part = LocalBatch.of(data, span[0] * batch, Math.min(data.length, span[1] * batch));
      float[] pw = project(w, window.keys, part.keys);
      float[] grad = new float[part.keys.length];
      double loss = LogisticMath.accumulate(part, pw, grad);
      part.regularise(pw, grad, settings.l1(), settings.l2());
      worker.pushAsync(weights, part.keys, grad);
      EpochLoss.push(worker, losses, epoch, loss, part.totalWeight());
      worker.clock();
    }
  }

  /** Push spans {from batch, to batch, window start}: every pushEvery batches and at window ends. */
  private List<int[]> schedule(int batches) {
    List<int[]> spans = new ArrayList<>();
    for (int window = 0; window < batches; window += fetchEvery) {
      int end = Math.min(batches, window + fetchEvery);
      for (int from = window; from < end; from += pushEvery) {
        spans.add(new int[] {from, Math.min(end, from + pushEvery), window});
      }
    }
    return spans;
  }

  /** The weights of {@code keys} (a subset of {@code all}, both sorted) out of {@code w}. */
  private static float[] project(float[] w, long[] all, long[] keys) {
    float[] out = new float[keys.length];
    int j = 0;
    for (int i = 0; i < keys.length; i++) {
      while (all[j] != keys[i]) {
        j++;
      }
      out[i] = w[j];
    }
    return out;
  }
}
