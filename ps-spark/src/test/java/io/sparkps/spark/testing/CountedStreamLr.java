package io.sparkps.spark.testing;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.streaming.BatchRows;
import io.sparkps.ml.streaming.OnlineEstimator;
import io.sparkps.ml.streaming.OnlineLearner;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An online estimator written against the public API only (the streaming job runs it from an
 * application jar): mini-batch logistic regression on {@link StreamRows}' rows, plus a sum table
 * counting every row id, pushed with the same clock as the gradient. After any failure the id
 * table holds exactly 1 per id only if every row reached the model exactly once, across
 * micro-batches replayed by Spark, skipped by the trainer and retrained from its log.
 *
 * <p>The id travels inside the example, so that the trainer's row log (which keeps examples)
 * carries it into a replay: as one extra index {@link #ID_BASE} + id, above every feature, that
 * training reads back and never uses as a feature. The snapshot is a {@link CountedLr.Tables}
 * view of the weight and id tables (held-out logloss, per-id counts).
 */
public final class CountedStreamLr implements OnlineEstimator<CountedLr.Tables> {

  /** Ids are stored as indices from here on; features stay below. */
  static final long ID_BASE = 1L << 40;
  static final int BATCH = 250;
  private static final double STEP = 0.2;

  @Override
  public OnlineLearner<CountedLr.Tables> onlineLearner(String modelName) {
    return new Learner(modelName);
  }

  private static final class Learner implements OnlineLearner<CountedLr.Tables> {
    private final TableSpec weights;
    private final TableSpec ids;

    Learner(String modelName) {
      this.weights = TableSpec.sparse(modelName + ".w", 1).withUpdater(UpdaterSpec.adagrad(STEP));
      this.ids = TableSpec.sparse(modelName + ".ids", 1);
    }

    @Override
    public List<TableSpec> tables() {
      return List.of(weights, ids);
    }

    @Override
    public Consistency consistency() {
      return Consistency.ssp(1);
    }

    @Override
    public BatchRows rows(PsContext ps, Dataset<?> batch) {
      // Gated runs need every partition running at once: one per task slot (one per executor here).
      int workers = Math.max(1, ps.sparkContext().defaultParallelism());
      JavaRDD<SparseExample> rows = batch.toDF().select("id", "label", "features").javaRDD()
          .map(CountedStreamLr::example).repartition(workers);
      return BatchRows.checked(rows, CountedLr.FEATURES);
    }

    @Override
    public TrainFunction<SparseExample> batchFunction(PsContext ps, DenseTableHandle totals, int slot) {
      return new BatchFunction(ps.sparseTable(weights), ps.sparseTable(ids), totals, slot);
    }

    @Override
    public CountedLr.Tables snapshot(PsContext ps, long numFeatures) {
      return new CountedLr.Tables(ps.sparseTable(weights), ps.sparseTable(ids));
    }
  }

  /** A stream row as an example whose last index is {@link #ID_BASE} + its id. */
  static SparseExample example(Row r) {
    SparseExample e = SparseExample.of(r.getDouble(1), (Vector) r.get(2));
    long[] idx = Arrays.copyOf(e.indices(), e.indices().length + 1);
    float[] val = Arrays.copyOf(e.values(), e.values().length + 1);
    idx[idx.length - 1] = ID_BASE + r.getLong(0);
    val[val.length - 1] = 1f;
    return new SparseExample(e.label(), idx, val);
  }

  /**
   * One micro-batch on one worker: mini-batches of {@link #BATCH} rows, clock b = mini-batch b (a
   * resumed worker skips the ones it completed); each pushes the gradient, +1 per row id and the
   * mini-batch's (loss, weight, rows) to the trainer's totals slot, all with its clock.
   */
  private static final class BatchFunction implements TrainFunction<SparseExample> {
    private static final long serialVersionUID = 1L;

    private final SparseTableHandle weights;
    private final SparseTableHandle ids;
    private final DenseTableHandle totals;
    private final int slot;

    BatchFunction(SparseTableHandle weights, SparseTableHandle ids, DenseTableHandle totals, int slot) {
      this.weights = weights;
      this.ids = ids;
      this.totals = totals;
      this.slot = slot;
    }

    @Override
    public void train(WorkerContext worker, Iterator<SparseExample> it) {
      List<SparseExample> rows = new ArrayList<>();
      it.forEachRemaining(rows::add);
      long batches = (rows.size() + BATCH - 1) / BATCH;
      for (long b = worker.currentClock(); b < batches; b = worker.currentClock()) {
        List<SparseExample> mb = rows.subList((int) b * BATCH, (int) Math.min(rows.size(), (b + 1) * BATCH));
        long[] keys = mb.stream().flatMapToLong(e -> Arrays.stream(e.indices()))
            .filter(k -> k < ID_BASE).distinct().sorted().toArray();
        long[] rowIds = mb.stream().mapToLong(e -> e.indices()[e.indices().length - 1] - ID_BASE).sorted().toArray();
        float[] w = weights.pull(keys);
        float[] grad = new float[keys.length];
        double loss = 0;
        for (SparseExample e : mb) {
          double z = 0;
          for (long j : e.indices()) {
            if (j < ID_BASE) {
              z += w[Arrays.binarySearch(keys, j)];
            }
          }
          double p = 1 / (1 + Math.exp(-z));
          loss -= e.label() > 0 ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15));
          float g = (float) (p - e.label());
          for (long j : e.indices()) {
            if (j < ID_BASE) {
              grad[Arrays.binarySearch(keys, j)] += g;
            }
          }
        }
        float[] ones = new float[rowIds.length];
        Arrays.fill(ones, 1f);
        worker.pushAsync(weights, keys, grad);
        worker.pushAsync(ids, rowIds, ones);
        worker.pushAsync(totals, new long[] {slot}, new float[] {(float) loss, mb.size(), mb.size()});
        worker.countRows(mb.size());
        worker.awaitPushes();
        worker.clock();
      }
    }
  }
}
