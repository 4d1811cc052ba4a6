package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.spark.testing.StandaloneCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an executor JVM hosting a parameter server in the middle of SSP training, on a real
 * standalone cluster (master + 3 worker JVMs): the scheduler moves the lost shards to live servers
 * and restores them from the latest automatic checkpoint, the run rolls back, Spark retries the
 * tasks, and training completes without user action. A sum table trained alongside the model
 * proves no push was lost or applied twice; the model ends within a small margin of a run
 * without failure on the same data.
 */
class MultiJvmFaultToleranceTest {

  private static final int EPOCHS = 4;
  private static final int BATCH = 500;
  private static final int ROWS = 40_000;
  private static final int PARTITIONS = 2;
  private static final long KILL_AT_CLOCK = 70;
  private static final long CHECKPOINT_EVERY = 20;
  private static final double MARGIN = 0.02;

  @TempDir
  Path tmp;

  @Test
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void trainingSurvivesAnExecutorKilledMidRun() throws Exception {
    Path checkpoints = tmp.resolve("checkpoints");
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(3).name("fault").start()) {
      SparkSession spark = SparkSession.builder()
          .config(cluster.driverConf("spark-ps-fault-tolerance").set("spark.plugins", PsPlugin.class.getName())
              .set(PsSparkConf.CHECKPOINT_DIR, checkpoints.toString())
              .set(PsSparkConf.CHECKPOINT_INTERVAL, Long.toString(CHECKPOINT_EVERY)))
          .getOrCreate();
      try {
        PsContext ps = PsContext.getOrCreate(spark);
        assertEquals(3, ps.routing().servers().stream().filter(ServerInfo::alive).count());
        List<Long> executors = cluster.executorPids();
        assertEquals(3, executors.size(), "one executor per worker: " + executors);

        JavaRDD<SparseExample> train = MultiJvmTrainingTest.generate(ps, 0, ROWS).repartition(PARTITIONS).cache();
        train.count();
        List<SparseExample> heldOut = MultiJvmTrainingTest.generate(ps, 1, 5_000).collect();
        double constant = MultiJvmTrainingTest.constant(ps.sparkContext().parallelize(heldOut));
        long clocks = EPOCHS * (long) Math.ceil(ROWS / (double) PARTITIONS / BATCH);

        // The run with a failure: worker 0 kills another executor's JVM once, at clock 70.
        Training faulty = Training.start(ps, "faulty");
        ps.train(train, "faulty", Consistency.ssp(1), faulty.function(tmp.toString(), executors));
        assertTrue(Files.exists(tmp.resolve("killed")), "the kill happened");
        long victim = Long.parseLong(Files.readString(tmp.resolve("victim")).trim());
        assertFalse(StandaloneCluster.isAlive(victim), "the victim executor is gone");
        assertEquals(1, ps.routing().servers().stream().filter(s -> !s.alive()).count(),
            "one server was lost: " + ps.routing().servers());
        assertTrue(ps.latestCheckpoint().isPresent(), "automatic checkpoints were taken");
        // The cut at clock 60 holds every worker until its manifest is written, so when worker 0
        // kills at 70 it is the latest checkpoint, and the next (80) is not reached: the run
        // resumes exactly there, not from 0.
        long resumedClock = Long.parseLong(Files.readString(tmp.resolve("resumedClock")).trim());
        assertEquals(KILL_AT_CLOCK / CHECKPOINT_EVERY * CHECKPOINT_EVERY, resumedClock,
            "the run resumed at the clock of the checkpoint taken before the kill");
        float[] expected = new float[PARTITIONS];
        Arrays.fill(expected, clocks);
        assertArrayEquals(expected, faulty.counts.pull(new long[] {0, 1}),
            "every worker's clock pushes applied exactly once across the failure");

        // The same training without failure.
        Training clean = Training.start(ps, "clean");
        ps.train(train, "clean", Consistency.ssp(1), clean.function(null, List.of()));
        assertArrayEquals(expected, clean.counts.pull(new long[] {0, 1}));

        double faultyLoss = faulty.heldOutLogLoss(heldOut);
        double cleanLoss = clean.heldOutLogLoss(heldOut);
        long killedAt = Long.parseLong(Files.readString(tmp.resolve("killed")).trim());
        long resumedAt = Long.parseLong(Files.readString(tmp.resolve("resumed")).trim());
        System.out.printf(Locale.ROOT, "fault test: held-out logloss %.4f with the failure, %.4f without "
            + "(constant %.4f); executor killed -> training progressing again: %d ms%n", faultyLoss, cleanLoss,
            constant, resumedAt - killedAt);
        assertTrue(cleanLoss < constant - 0.1, "learns: " + cleanLoss + " vs constant " + constant);
        assertTrue(Math.abs(faultyLoss - cleanLoss) <= MARGIN,
            "within " + MARGIN + " of the failure-free run: " + faultyLoss + " vs " + cleanLoss);
      } finally {
        spark.stop();
      }
    }
  }

  /** The tables of one training: the model and the per-worker clock counts. */
  private record Training(SparseTableHandle weights, SparseTableHandle counts) {
    static Training start(PsContext ps, String name) {
      return new Training(ps.sparseTable(TableSpec.sparse(name + "-w", 1).withUpdater(UpdaterSpec.adagrad(0.1))),
          ps.sparseTable(TableSpec.sparse(name + "-counts", 1)));
    }

    TrainFunction<SparseExample> function(String killDir, List<Long> executors) {
      return new LrWithCounts(weights, counts, killDir, executors.stream().mapToLong(Long::longValue).toArray());
    }

    double heldOutLogLoss(List<SparseExample> rows) {
      TreeSet<Long> keys = new TreeSet<>();
      rows.forEach(r -> Arrays.stream(r.indices()).forEach(keys::add));
      long[] k = keys.stream().mapToLong(Long::longValue).toArray();
      float[] w = weights.pull(k);
      double[] p = new double[rows.size()];
      double[] y = new double[rows.size()];
      for (int i = 0; i < p.length; i++) {
        double z = 0;
        for (long j : rows.get(i).indices()) {
          z += w[Arrays.binarySearch(k, j)];
        }
        p[i] = 1 / (1 + Math.exp(-z));
        y[i] = rows.get(i).label();
      }
      return Metrics.logLoss(p, y);
    }
  }

  /**
   * Mini-batch logistic regression, a clock per batch, plus a count of clocks per worker in a sum
   * table. With a kill directory, worker 0 kills an executor JVM other than its own at clock 70
   * (once: a marker file remembers) and records when training progresses again.
   */
  private static final class LrWithCounts implements TrainFunction<SparseExample> {
    private static final long serialVersionUID = 1L;

    private final SparseTableHandle weights;
    private final SparseTableHandle counts;
    private final String killDir;
    private final long[] executors;

    LrWithCounts(SparseTableHandle weights, SparseTableHandle counts, String killDir, long[] executors) {
      this.weights = weights;
      this.counts = counts;
      this.killDir = killDir;
      this.executors = executors;
    }

    @Override
    public void train(WorkerContext worker, Iterator<SparseExample> rows) {
      List<SparseExample> list = new ArrayList<>();
      rows.forEachRemaining(list::add);
      int batches = (int) Math.ceil(ROWS / (double) PARTITIONS / BATCH);
      long total = (long) EPOCHS * batches;
      boolean resumed = false;
      for (long c = worker.currentClock(); c < total; c = worker.currentClock()) {
        if (killDir != null && worker.id() == 0) {
          if (c == KILL_AT_CLOCK) {
            killAnotherExecutorOnce();
          } else if (!resumed && c < KILL_AT_CLOCK && Files.exists(Path.of(killDir, "killed"))) {
            writeOnce("resumed", Long.toString(System.currentTimeMillis()));
            writeOnce("resumedClock", Long.toString(c));
            resumed = true;
          }
        }
        int b = (int) (c % batches);
        List<SparseExample> batch = list.subList(Math.min(list.size(), b * BATCH),
            Math.min(list.size(), (b + 1) * BATCH));
        long[] keys = batch.stream().flatMapToLong(e -> Arrays.stream(e.indices())).distinct().sorted().toArray();
        float[] w = weights.pull(keys);
        float[] grad = new float[keys.length];
        for (SparseExample e : batch) {
          double z = 0;
          for (long j : e.indices()) {
            z += w[Arrays.binarySearch(keys, j)];
          }
          float g = (float) (1 / (1 + Math.exp(-z)) - e.label());
          for (long j : e.indices()) {
            grad[Arrays.binarySearch(keys, j)] += g;
          }
        }
        worker.push(weights, keys, grad);
        worker.push(counts, new long[] {worker.id()}, new float[] {1});
        worker.clock();
      }
    }

    private void killAnotherExecutorOnce() {
      long self = ProcessHandle.current().pid();
      long victim = Arrays.stream(executors).filter(p -> p != self).findFirst().orElseThrow();
      if (writeOnce("victim", Long.toString(victim))) {
        writeOnce("killed", Long.toString(System.currentTimeMillis()));
        ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);  // SIGKILL: kill -9
      }
    }

    /** Creates the file with the text unless it exists; true if this call created it. */
    private boolean writeOnce(String name, String text) {
      try {
        Files.writeString(Files.createFile(Path.of(killDir, name)), text, StandardCharsets.UTF_8);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
