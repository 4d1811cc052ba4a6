package io.sparkps.ml.classification;

import io.sparkps.core.client.KeySlices;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.classification.EpochTimes.Phase;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TableHandle;
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
 * pushed batches' training loss goes with it ({@link EpochLoss}). The windows and push spans are
 * prepared once per fit and kept in the executor ({@link Layout}); rows are checked then.
 */
final class DownpourEpochFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  private final SparseTableHandle weights;
  private final DenseTableHandle losses;
  private final LrSettings settings;
  private final int epoch;
  private final int fetchEvery;
  private final int pushEvery;
  private final String fitId;
  private final EpochTimes times;

  DownpourEpochFunction(SparseTableHandle weights, DenseTableHandle losses, LrSettings settings, int epoch,
      int fetchEvery, int pushEvery, String fitId, EpochTimes times) {
    this.weights = weights;
    this.losses = losses;
    this.settings = settings;
    this.epoch = epoch;
    this.fetchEvery = fetchEvery;
    this.pushEvery = Math.min(pushEvery, fetchEvery);
    this.fitId = fitId;
    this.times = times;
  }

  @Override
  public void train(WorkerContext worker, Iterator<SparseExample> rows) {
    EpochTimes.Timer timer = new EpochTimes.Timer();
    java.util.function.Supplier<Layout> build = () -> Layout.of(ExampleChecks.read(rows, worker.id()),
        settings.batchSize(), fetchEvery, pushEvery, weights);
    Layout layout = fitId == null ? build.get() : BatchCache.get(PreparedBatches.key(fitId, worker.id(),
        settings.batchSize()) + "/downpour/" + fetchEvery + "/" + pushEvery, build);
    timer.lap(Phase.PREPARE);
    int pulledWindow = -1;
    float[] w = null;
    for (long c = worker.currentClock(); c < layout.spans.length; c++) {
      int s = (int) c;
      if (layout.windowOf[s] != pulledWindow) {
        // The whole fetch window's keys, pulled once and used (stale) for all its batches.
        pulledWindow = layout.windowOf[s];
        w = new float[layout.windowKeys[pulledWindow].length];
        weights.pullInto(layout.windowSlices[pulledWindow], w, 0);
        timer.lap(Phase.PULL);
        worker.countPulled(w.length);  // the Spark UI's per-task counters
      }
      // The accumulated gradient of pushEvery batches at the same weights is the gradient of their union.
      LocalBatch part = layout.spans[s];
      worker.countRows(part.size());
      float[] pw = project(w, layout.inWindow[s]);
      float[] grad = new float[part.keys.length];
      double loss = LogisticMath.accumulate(part, pw, grad);
      part.regularise(pw, grad, settings.l1(), settings.l2());
      timer.lap(Phase.COMPUTE);
      worker.pushAsync(weights, layout.spanSlices[s], grad, 0);
      EpochLoss.push(worker, losses, epoch, loss, part.totalWeight(), part.size());
      MiniBatchEpochFunction.endClock(worker, timer);
    }
    timer.report(times);
  }

  /** The weights at {@code positions} of {@code w}. */
  private static float[] project(float[] w, int[] positions) {
    float[] out = new float[positions.length];
    for (int i = 0; i < positions.length; i++) {
      out[i] = w[positions[i]];
    }
    return out;
  }

  /**
   * One partition's push spans (each a batch of {@code pushEvery} mini-batches, cut at fetch-window
   * ends), each span's window, the windows' keys, and where each span key sits in its window's keys.
   */
  static final class Layout implements BatchCache.Entry {
    final LocalBatch[] spans;
    final int[] windowOf;
    final long[][] windowKeys;
    final int[][] inWindow;
    /** The spans' and the windows' keys split by the table's shards (see {@link PreparedBatches}). */
    final KeySlices[] spanSlices;
    final KeySlices[] windowSlices;
    private final long bytes;

    private Layout(LocalBatch[] spans, int[] windowOf, long[][] windowKeys, int[][] inWindow, TableHandle table) {
      this.spans = spans;
      this.windowOf = windowOf;
      this.windowKeys = windowKeys;
      this.inWindow = inWindow;
      this.spanSlices = new KeySlices[spans.length];
      this.windowSlices = new KeySlices[windowKeys.length];
      long b = 16;
      for (int s = 0; s < spans.length; s++) {
        spanSlices[s] = table.slices(spans[s].keys);
        b += spans[s].bytes() + 16 + 4L * inWindow[s].length + spanSlices[s].bytes();
      }
      for (int w = 0; w < windowKeys.length; w++) {
        windowSlices[w] = table.slices(windowKeys[w]);
        b += 16 + 8L * windowKeys[w].length + windowSlices[w].bytes();
      }
      this.bytes = b;
    }

    static Layout of(SparseExample[] data, int batch, int fetchEvery, int pushEvery, TableHandle table) {
      int batches = (data.length + batch - 1) / batch;
      List<LocalBatch> spans = new ArrayList<>();
      List<Integer> windowOf = new ArrayList<>();
      List<long[]> windowKeys = new ArrayList<>();
      List<int[]> inWindow = new ArrayList<>();
      for (int window = 0; window < batches; window += fetchEvery) {
        int end = Math.min(batches, window + fetchEvery);
        long[] keys = LocalBatch.keysOf(data, window * batch, Math.min(data.length, end * batch));
        windowKeys.add(keys);
        for (int from = window; from < end; from += pushEvery) {
          int to = Math.min(end, from + pushEvery);
          LocalBatch part = LocalBatch.of(data, from * batch, Math.min(data.length, to * batch));
          spans.add(part);
          windowOf.add(windowKeys.size() - 1);
          inWindow.add(positions(keys, part.keys));
        }
      }
      return new Layout(spans.toArray(new LocalBatch[0]), windowOf.stream().mapToInt(Integer::intValue).toArray(),
          windowKeys.toArray(new long[0][]), inWindow.toArray(new int[0][]), table);
    }

    /** Where each of {@code keys} (a subset of {@code all}, both sorted) sits in {@code all}. */
    private static int[] positions(long[] all, long[] keys) {
      int[] out = new int[keys.length];
      int j = 0;
      for (int i = 0; i < keys.length; i++) {
        while (all[j] != keys[i]) {
          j++;
        }
        out[i] = j;
      }
      return out;
    }

    @Override
    public long bytes() {
      return bytes;
    }
  }
}
