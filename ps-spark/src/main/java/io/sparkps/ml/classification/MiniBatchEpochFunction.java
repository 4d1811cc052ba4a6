package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.ml.classification.EpochTimes.Phase;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One epoch of mini-batch training on one partition, for a model kept in a sparse table keyed by
 * feature: per batch, pull the rows of the keys the batch touches, compute the summed gradient
 * ({@link #gradient}, the model's part), push it (the servers apply the optimizer), clock. Clock b
 * is batch b, so a resumed worker skips the batches it completed. Each batch's training loss goes
 * to a small sum table with the batch's clock ({@link EpochLoss}), so it counts once however often
 * the batch is replayed. The batches are prepared (rows checked, keys sorted) once per fit and
 * kept in the executor ({@link PreparedBatches}). Every task's phases go to {@code times}. A batch
 * pulls after the previous batch's push went out, so it sees its own worker's updates, and after
 * that batch's clock was answered except in ASP runs, whose answers gate nothing (see
 * {@link WorkerContext#clockWithoutWaiting}). Pulling batch b + 1 while batch b
 * computes (ASP allows it) was tried and left out: agd + adam then ended at a held-out logloss of
 * 0.625 in MethodQualityTest (dgd + adam 0.597), past its margin, training on its own weights one
 * batch stale. Immutable;
 * shipped to the workers, one call per partition.
 */
abstract class MiniBatchEpochFunction implements TrainFunction<SparseExample> {

  private static final long serialVersionUID = 1L;

  /**
   * ASP runs (agd) report their clocks without waiting for the answers, this many at most: the
   * next batch's pull then goes out while the servers apply this batch's push (and still sees it:
   * a connection keeps a shard's requests in order).
   */
  private static final int ASP_CLOCKS_IN_FLIGHT = 4;

  private final SparseTableHandle table;
  private final DenseTableHandle losses;
  private final int batchSize;
  private final int epoch;
  private final String fitId;
  private final EpochTimes times;

  /**
   * @param fitId names the fit's prepared batches in the executors' cache (unique per fit; null:
   *     prepared at every call, not cached)
   * @param times collects the tasks' phases (null: none)
   */
  MiniBatchEpochFunction(SparseTableHandle table, DenseTableHandle losses, int batchSize, int epoch, String fitId,
      EpochTimes times) {
    this.table = table;
    this.losses = losses;
    this.batchSize = batchSize;
    this.epoch = epoch;
    this.fitId = fitId;
    this.times = times;
  }

  /**
   * Adds the batch's summed gradient (regularisation included) at the {@code pulled} rows to
   * {@code grad}, zeroed and of the same shape, and returns the batch's summed training loss. Both
   * arrays are reused across batches and may be longer than the batch's rows: only the first
   * {@code mb.keys.length x dim} floats are the batch's.
   */
  abstract double gradient(LocalBatch mb, float[] pulled, float[] grad);

  /**
   * Ends a batch's clock after its pushes: waiting for their acknowledgements and then the clock's
   * answer, each timed, or in ASP runs neither (see {@link #ASP_CLOCKS_IN_FLIGHT}).
   */
  static void endClock(WorkerContext worker, EpochTimes.Timer timer) {
    if (worker.staleness() < 0) {
      worker.clockWithoutWaiting(ASP_CLOCKS_IN_FLIGHT);
    } else {
      worker.awaitPushes();
      timer.lap(Phase.PUSH);
      worker.clock();
    }
    timer.lap(Phase.CLOCK);
  }

  @Override
  public final void train(WorkerContext worker, Iterator<SparseExample> rows) {
    EpochTimes.Timer timer = new EpochTimes.Timer();
    PreparedBatches data = PreparedBatches.cached(fitId, worker.id(), batchSize, rows, table);
    // One pull array and one gradient array for all batches: the pull is blocking and the push copies.
    float[] pulled = new float[data.maxKeys() * table.dim()];
    float[] grad = new float[pulled.length];
    timer.lap(Phase.PREPARE);
    int batches = data.size();
    for (int b = (int) Math.min(batches, worker.currentClock()); b < batches; b++) {
      LocalBatch mb = data.batch(b);
      table.pullInto(data.slices(b), pulled, 0);
      timer.lap(Phase.PULL);
      worker.countPulled(mb.keys.length);  // the Spark UI's per-task counters
      worker.countRows(mb.size());
      Arrays.fill(grad, 0, mb.keys.length * table.dim(), 0f);
      double loss = gradient(mb, pulled, grad);
      timer.lap(Phase.COMPUTE);
      worker.pushAsync(table, data.slices(b), grad, 0);
      EpochLoss.push(worker, losses, epoch, loss, mb.totalWeight(), mb.size());
      endClock(worker, timer);
    }
    timer.report(times);
  }
}
