package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continue training tomorrow: a checkpoint taken in one application (into the SparkContext's
 * checkpoint directory, set after the context started) restores into the next with every row and
 * its optimizer state, so the same updates give the same weights. The directory set late also
 * turns on automatic checkpoints for the next training run.
 */
class CheckpointRestoreTest {

  private static final TableSpec WEIGHTS = TableSpec.sparse("ckpt-w", 2).withUpdater(UpdaterSpec.adagrad(0.1));
  private static final long[] KEYS = {1, 5, 9, 1000, 123456789L};

  @TempDir
  Path tmp;

  @Test
  void aCheckpointRestoresIntoTheNextApplicationWithItsOptimizerState() throws Exception {
    String root;
    long newest;
    float[] atCheckpoint;
    float[] afterOneMorePush;
    SparkSession first = LocalSpark.builder("local[2]", true).config(PsSparkConf.CHECKPOINT_INTERVAL, "4")
        .getOrCreate();
    try {
      PsContext ps = PsContext.getOrCreate(first);
      first.sparkContext().setCheckpointDir(tmp.resolve("spark-checkpoints").toString());
      SparseTableHandle w = ps.sparseTable(WEIGHTS);
      ps.train(rdd(ps), "before", Consistency.ssp(1), (worker, rows) -> {
        for (long c = worker.currentClock(); c < 10; c++) {
          worker.push(w, KEYS, gradient(worker.id(), c));
          worker.clock();
        }
      });
      atCheckpoint = w.pull(KEYS);
      // Queued behind the automatic ones (clocks 4 and 8, the run's end), which are complete now.
      Manifest m = ps.checkpoint();
      assertEquals(List.of("ckpt-w"), m.tables().stream().map(Manifest.TableEntry::name).toList());
      root = first.sparkContext().getCheckpointDir().get() + "/spark-ps";
      Path rootDir = Path.of(java.net.URI.create(root));
      assertTrue(m.id() >= 2, "automatic checkpoints came first: this one is " + m.id());
      assertTrue(Files.exists(rootDir.resolve(String.format("ckpt-%08d", m.id() - 1)).resolve("MANIFEST")),
          "an automatic checkpoint is complete under the SparkContext's checkpoint dir: " + root);
      assertTrue(Files.exists(rootDir.resolve(String.format("ckpt-%08d", m.id())).resolve("MANIFEST")));
      newest = m.id();
      w.push(KEYS, gradient(7, 7));
      afterOneMorePush = w.pull(KEYS);
    } finally {
      first.stop();
    }

    SparkSession second = LocalSpark.builder("local[2]", true).getOrCreate();
    try {
      PsContext ps = PsContext.getOrCreate(second);
      Manifest restored = ps.restore(root);
      assertEquals(newest, restored.id(), "the newest complete checkpoint under the root");
      // A handle made right away must find the table: once restore returns, this driver's client
      // has heard of it (it once raced the routing update and tried to create it again).
      assertTrue(ps.client().routing().table(WEIGHTS.name()).isPresent(),
          "the driver's client knows the restored table when restore returns");
      SparseTableHandle w = ps.sparseTable(WEIGHTS);
      assertArrayEquals(atCheckpoint, w.pull(KEYS), "rows as checkpointed");
      w.push(KEYS, gradient(7, 7));
      assertArrayEquals(afterOneMorePush, w.pull(KEYS), "AdaGrad's accumulators came back too");
      assertEquals(restored.id(), ps.latestCheckpoint().orElseThrow().id(),
          "a lost server would roll back to the restored checkpoint");
    } finally {
      second.stop();
    }
  }

  private static JavaRDD<Integer> rdd(PsContext ps) {
    List<Integer> xs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      xs.add(i);
    }
    return ps.sparkContext().parallelize(xs, 2);
  }

  private static float[] gradient(int worker, long clock) {
    float[] g = new float[KEYS.length * 2];
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) Math.sin(worker * 31 + clock * 7 + i);
    }
    return g;
  }
}
