package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.PsPlugin;
import io.sparkps.spark.SparseTableHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * The mini-batches a fit prepares once and keeps in the executor cover every training row exactly
 * once per epoch, later epochs train on them without reading the rows again, a task that finds no
 * cached batches prepares them again from its rows, and no pull sees weights staler than the
 * method allows. Every "gradient" adds 1 at each row's own key and at the bias key of a sum table,
 * so the table counts the rows trained, and the bias a batch pulls counts the rows whose pushes it
 * saw: under BSP every push of the earlier clocks (all workers), without a bound (ASP) at least
 * every push of its own earlier clocks.
 */
class PreparedBatchesTest {

  private static final int WORKERS = 2;
  private static final int ROWS_PER_PARTITION = 1_000;
  private static final int BATCH = 100;
  private static final int EPOCHS = 3;
  private static final int N = WORKERS * ROWS_PER_PARTITION;

  /** What the tasks saw (local mode: the tasks run in this JVM): violations, and how many batches checked. */
  private static final Queue<String> VIOLATIONS = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger CHECKED = new AtomicInteger();

  /** Counts rows into the sum table and checks what the batch pulled. */
  private static final class Counting extends MiniBatchEpochFunction {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final boolean gated;

    Counting(SparseTableHandle table, DenseTableHandle losses, int epoch, String fitId, Consistency c) {
      super(table, losses, BATCH, epoch, fitId, null);
      this.epoch = epoch;
      this.gated = c.gated();
    }

    @Override
    double gradient(LocalBatch mb, float[] pulled, float[] grad) {
      long first = mb.keys[1];  // the batch's first row's key (keys sort after the bias)
      int worker = (int) (first / ROWS_PER_PARTITION);
      int b = (int) (first % ROWS_PER_PARTITION) / BATCH;
      long seen = (long) pulled[LocalBatch.biasSlot()];
      long bound = (long) N * epoch + (gated ? (long) WORKERS * BATCH * b : (long) BATCH * b);
      if (seen < bound) {
        VIOLATIONS.add("epoch " + epoch + ", worker " + worker + ", batch " + b + " pulled a bias of " + seen
            + ", expected >= " + bound);
      }
      CHECKED.incrementAndGet();
      for (int r = 0; r < mb.size(); r++) {
        grad[mb.slots[r][0]] += 1;
        grad[LocalBatch.biasSlot()] += 1;
      }
      return 0;
    }
  }

  @Test
  void batchesCoverEveryRowOncePerEpochAndPullsAreNeverStalerThanTheMethodAllows() {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("ps-prepared-batches-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.plugins", PsPlugin.class.getName()).getOrCreate();
    try {
      PsContext ps = PsContext.getOrCreate(spark);
      List<SparseExample> rows = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        rows.add(new SparseExample(i % 2, new long[] {i}, new float[] {1}));
      }
      for (Consistency c : List.of(Consistency.bsp(), Consistency.asp())) {
        VIOLATIONS.clear();
        CHECKED.set(0);
        String name = "prepared-" + (c.gated() ? "bsp" : "asp");
        LongAccumulator read = spark.sparkContext().longAccumulator(name + " rows read");
        // Not cached by Spark: a task that iterates its rows counts them.
        JavaRDD<SparseExample> data = ps.sparkContext().parallelize(rows, WORKERS).map(r -> {
          read.add(1);
          return r;
        });
        SparseTableHandle counts = ps.sparseTable(TableSpec.sparse(name + ".w", 1).withUpdater(UpdaterSpec.sum()));
        DenseTableHandle losses = EpochLoss.create(ps, name + ".loss", EPOCHS);
        String fitId = name + "/fit";
        for (int e = 0; e < EPOCHS; e++) {
          if (e == EPOCHS - 1) {
            BatchCache.dropPrefix(fitId + "/");  // as after an executor loss: the last epoch prepares again
          }
          ps.train(data, name + "-epoch-" + e, c, new Counting(counts, losses, e, fitId, c));
          if (e == 0) {
            assertTrue(BatchCache.contains(PreparedBatches.key(fitId, 0, BATCH)), c + ": batches kept");
          }
          assertEquals(e == EPOCHS - 1 ? 2L * N : N, read.value(), c + ": rows read after epoch " + e
              + " (once per fit, and again when the cache lost them)");
        }
        BatchCache.dropPrefix(fitId + "/");
        assertFalse(BatchCache.contains(PreparedBatches.key(fitId, 0, BATCH)));
        long[] keys = new long[N + 1];
        keys[0] = LocalBatch.BIAS_KEY;
        for (int i = 0; i < N; i++) {
          keys[i + 1] = i;
        }
        float[] got = counts.pull(keys);
        assertEquals((float) N * EPOCHS, got[0], 0f, c + ": rows trained in all");
        for (int i = 0; i < N; i++) {
          assertEquals(EPOCHS, got[i + 1], 0f, c + ": row " + i + " trained once per epoch");
        }
        assertEquals(EPOCHS * N / BATCH, CHECKED.get(), c + ": every batch checked");
        assertTrue(VIOLATIONS.isEmpty(), c + ": " + VIOLATIONS);
      }
    } finally {
      spark.stop();
    }
  }
}
