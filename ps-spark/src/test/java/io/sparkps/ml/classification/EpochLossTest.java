package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.PsPlugin;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.testing.TrainingJobs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loss an epoch reports covers every training row exactly once: after a failed
 * attempt is resubmitted (the resumed workers skip the batches they completed), and after the
 * tables are restored into another application (whose epochs must not add to the old sums).
 */
class EpochLossTest {

  private static final int ROWS_PER_PARTITION = 1_000;
  private static final int BATCH = 100;

  @TempDir Path tmp;

  private static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("ps-epoch-loss-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.plugins", PsPlugin.class.getName()).getOrCreate();
  }

  private static JavaRDD<SparseExample> rows(PsContext ps) {
    Random rnd = new Random(3);
    List<SparseExample> rows = new ArrayList<>();
    for (int i = 0; i < 2 * ROWS_PER_PARTITION; i++) {
      long a = rnd.nextInt(100);
      rows.add(new SparseExample(a < 40 ? 1 : 0, new long[] {a}, new float[] {1}));
    }
    return ps.sparkContext().parallelize(rows, 2).cache();
  }

  /**
   * In the first attempt, worker 0 trains three batches and dies; worker 1, gated by BSP, has then
   * completed at least three batches and is released by the failure in the middle of its epoch.
   * The resubmitted attempt resumes both where they stopped.
   */
  @Test
  void aResubmittedEpochsLossCoversEveryRowOnce() throws Exception {
    SparkSession spark = session();
    try (TrainingJobs jobs = TrainingJobs.watch(spark.sparkContext())) {
      PsContext ps = PsContext.getOrCreate(spark);
      JavaRDD<SparseExample> data = rows(ps);
      LrSettings settings = new LrSettings(1, BATCH, UpdaterSpec.adagrad(0.1), 0, Consistency.bsp());
      for (LrMethod method : List.of(LrMethod.DGD, LrMethod.DOWNPOUR)) {
        String name = "resubmitted-" + method;
        SparseTableHandle w = ps.sparseTable(TableSpec.sparse(name + ".w", 1).withUpdater(settings.optimizer()));
        DenseTableHandle losses = EpochLoss.create(ps, name + ".loss", 1);
        TrainFunction<SparseExample> epoch = method.epoch(w, losses, settings, 0, 1, 1, 0L);
        ps.train(data, name, Consistency.bsp(), (worker, it) -> {
          if (worker.runAttempt() == 0 && worker.id() == 0) {
            epoch.train(worker, first(it, 3 * BATCH));
            throw new IllegalStateException("injected failure after three batches");
          }
          epoch.train(worker, it);
        });
        assertEquals(2, jobs.attempts(name).size(), method + ": the first attempt failed: " + jobs.attempts(name));
        float[] sums = losses.pullRange(0, 1);
        assertEquals(2 * ROWS_PER_PARTITION, sums[1], 0.0, method + ": every row's loss counted once");
        double mean = EpochLoss.mean(losses, 0);
        assertTrue(mean > 0.3 && mean < 0.75, method + ": a logloss: " + mean);
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  void tablesRestoredIntoAnotherApplicationTrainOnButItsLossesStartAfresh() throws Exception {
    String root;
    double firstAppFirstEpoch;
    SparkSession first = session();
    try {
      PsContext ps = PsContext.getOrCreate(first);
      first.sparkContext().setCheckpointDir(tmp.toString());
      LrSettings two = new LrSettings(2, BATCH, UpdaterSpec.adagrad(0.1), 0, Consistency.bsp());
      firstAppFirstEpoch = SparseLogisticRegression.train(ps, "carried", rows(ps), null, two, r -> { })
          .epochs().get(0).trainLogLoss();
      ps.checkpoint();
      root = first.sparkContext().getCheckpointDir().get() + "/spark-ps";
    } finally {
      first.stop();
    }

    SparkSession second = session();
    try {
      PsContext ps = PsContext.getOrCreate(second);
      ps.restore(root);
      // One epoch now, where the restored loss table was made for two: a fresh table, not a refusal.
      LrSettings one = new LrSettings(1, BATCH, UpdaterSpec.adagrad(0.1), 0, Consistency.bsp());
      double again = SparseLogisticRegression.train(ps, "carried", rows(ps), null, one, r -> { })
          .epochs().get(0).trainLogLoss();
      float[] sums = ps.denseTable(TableSpec.dense("carried.loss", 1, 3)).pullRange(0, 1);
      assertEquals(2 * ROWS_PER_PARTITION, sums[1], 0.0, "this application's rows only");
      assertTrue(again < firstAppFirstEpoch, "the restored weights were trained on: " + again + " after "
          + firstAppFirstEpoch);
    } finally {
      second.stop();
    }
  }

  private static <T> Iterator<T> first(Iterator<T> it, int n) {
    List<T> out = new ArrayList<>();
    while (it.hasNext() && out.size() < n) {
      out.add(it.next());
    }
    return out.iterator();
  }
}
