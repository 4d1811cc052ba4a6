package io.sparkps.ml.streaming;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.testing.CountedLr;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A model that counts: every row adds 1 to its id's key of a sum table, mini-batch by mini-batch,
 * each with its clock, so after any failures and replays each id holds exactly 1 only if every row
 * reached the servers once. {@link #FAIL_ONCE} makes worker 0 fail once after pushing a chosen
 * clock and before reporting it (the push is applied, the clock is not).
 */
final class CountingEstimator implements OnlineEstimator<float[]> {

  static final int MINI_BATCH = 50;
  /** Set to make the next micro-batch in slot {@link #failSlot} fail once at worker 0's clock 3. */
  static final AtomicBoolean FAIL_ONCE = new AtomicBoolean();
  static volatile int failSlot = -1;

  private final int maxId;
  private final CountedLr.Fault fault;
  private final int faultSlot;

  CountingEstimator(int maxId) {
    this(maxId, null, -1);
  }

  /** Counts ids below {@code maxId}; {@code fault} (may be null) runs before each mini-batch of micro-batch slot {@code faultSlot}. */
  CountingEstimator(int maxId, CountedLr.Fault fault, int faultSlot) {
    this.maxId = maxId;
    this.fault = fault;
    this.faultSlot = faultSlot;
  }

  @Override
  public OnlineLearner<float[]> onlineLearner(String modelName) {
    TableSpec counts = TableSpec.sparse(modelName + ".ids", 1).withUpdater(UpdaterSpec.sum());
    int ids = maxId;
    return new OnlineLearner<>() {
      @Override
      public List<TableSpec> tables() {
        return List.of(counts);
      }

      @Override
      public Consistency consistency() {
        return Consistency.bsp();
      }

      @Override
      public BatchRows rows(PsContext ps, Dataset<?> batch) {
        var rows = batch.toDF().javaRDD().map((Row r) -> SparseExample.of(r.getDouble(0), (Vector) r.get(1)))
            .repartition(2);
        return BatchRows.checked(rows, StreamRows.FEATURES);
      }

      @Override
      public TrainFunction<SparseExample> batchFunction(PsContext ps, DenseTableHandle totals, int slot) {
        SparseTableHandle table = ps.sparseTable(counts);
        CountedLr.Fault inject = slot == faultSlot ? fault : null;
        return (worker, it) -> {
          List<SparseExample> all = new ArrayList<>();
          it.forEachRemaining(all::add);
          for (int b = 0; b * MINI_BATCH < all.size(); b++) {
            if (b < worker.currentClock()) {
              continue;
            }
            if (inject != null) {
              inject.before(worker, b);
            }
            List<SparseExample> mb = all.subList(b * MINI_BATCH, Math.min(all.size(), (b + 1) * MINI_BATCH));
            long[] keys = mb.stream().mapToLong(r -> r.indices()[0]).sorted().toArray();
            float[] ones = new float[keys.length];
            java.util.Arrays.fill(ones, 1f);
            worker.pushAsync(table, keys, ones);
            worker.pushAsync(totals, new long[] {slot}, new float[] {0f, mb.size(), mb.size()});
            worker.awaitPushes();
            if (slot == failSlot && worker.id() == 0 && b == 3 && FAIL_ONCE.compareAndSet(true, false)) {
              throw new IllegalStateException("injected failure after clock 3's pushes");
            }
            worker.clock();
          }
        };
      }

      @Override
      public float[] snapshot(PsContext ps, long numFeatures) {
        long[] keys = new long[ids];
        for (int i = 0; i < ids; i++) {
          keys[i] = i;
        }
        return ps.sparseTable(counts).pull(keys);
      }
    };
  }
}
