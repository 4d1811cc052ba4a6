package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.transport.PsAuthenticationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.sparkps.spark.testing.TrainingJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plugin on local[2]: tables, handles in closures, gated training, retries, clear errors. */
class PsContextLocalTest {

  private static final String SPARK_SECRET = "spark-application-secret-0123456789";
  private static SparkSession spark;
  private static PsContext ps;

  @BeforeAll
  static void start() {
    // With Spark's own authentication on, as a secured cluster runs it (issue 14).
    spark = LocalSpark.builder("local[2]", true)
        .config("spark.authenticate", "true")
        .config("spark.authenticate.secret", SPARK_SECRET)
        .getOrCreate();
    ps = PsContext.getOrCreate(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void thePluginRunsTheServerInTheDriverJvmInLocalMode() {
    assertEquals(1, ps.routing().servers().size());
    assertTrue(ps.routing().servers().get(0).alive());
    assertEquals(ps, ps, "getOrCreate is cheap and idempotent");
    assertEquals(ps.endpoint(), PsContext.getOrCreate(spark).endpoint());
  }

  @Test
  void taskClosuresCarryOnlyTheWorkerKeyWhichConnectsWhileTheRawSparkSecretOrNoSecretIsRefused()
      throws Exception {
    PsEndpoint ep = ps.endpoint();
    PsConfig closureConfig = ep.config();
    assertTrue(closureConfig.authKeys().holds(PsRole.WORKER));
    assertFalse(closureConfig.authKeys().holds(PsRole.SERVER), "a task closure cannot register a server");
    try (PsClient client = PsClient.connect(closureConfig, ep.schedulerHost(), ep.schedulerPort())) {
      assertEquals(1, client.routing().servers().size());
    }
    byte[] raw = SPARK_SECRET.getBytes(StandardCharsets.UTF_8);
    for (PsConfig refused : List.of(PsConfig.builder().secret(raw).build(),
        PsConfig.builder().authKeys(AuthKeys.of(Map.of(PsRole.WORKER, raw))).build(), PsConfig.defaults())) {
      IOException e = assertThrows(IOException.class,
          () -> PsClient.connect(refused, ep.schedulerHost(), ep.schedulerPort()).close());
      assertInstanceOf(PsAuthenticationException.class, e, refused::toString);
    }
  }

  @Test
  void handlesWorkInsideTasksAndGatedTrainingGivesExactTotals() {
    SparseTableHandle sums = ps.sparseTable(TableSpec.sparse("sums", 1));
    JavaRDD<Integer> data = rdd(2, 100);
    int clocks = 20;
    RunStats stats = ps.train(data, "bsp-sums", Consistency.bsp(), (worker, rows) -> {
      int n = 0;
      while (rows.hasNext()) {
        rows.next();
        n++;
      }
      for (long c = worker.currentClock(); c < clocks; c++) {
        worker.push(sums, new long[] {worker.id(), 100}, new float[] {n, 1});
        worker.clock();
      }
    });
    assertEquals(RunClock.State.FINISHED, stats.state());
    assertArrayEquals(new long[] {clocks, clocks}, stats.clockCalls());
    assertTrue(stats.toString().contains("clocks=[20, 20]") && stats.toString().contains("clockCalls=[20, 20]"),
        "arrays print as values: " + stats);
    assertArrayEquals(new float[] {50 * clocks, 50 * clocks, 2 * clocks}, sums.pull(new long[] {0, 1, 100}));
  }

  @Test
  void aFailedFirstAttemptIsResubmittedAndNoUpdateIsAppliedTwice() {
    SparseTableHandle sums = ps.sparseTable(TableSpec.sparse("retry-sums", 1));
    int clocks = 12;
    RunStats stats = ps.train(rdd(2, 10), "retry", Consistency.ssp(1), (worker, rows) -> {
      for (long c = worker.currentClock(); c < clocks; c++) {
        worker.push(sums, new long[] {worker.id(), 7}, new float[] {1, 1});
        if (worker.id() == 1 && worker.runAttempt() == 0 && c == 5) {
          throw new IllegalStateException("injected failure in the first attempt");
        }
        worker.clock();
      }
    });
    assertEquals(RunClock.State.FINISHED, stats.state());
    assertArrayEquals(new float[] {clocks, clocks, 2 * clocks}, sums.pull(new long[] {0, 1, 7}),
        "each clock's push counted once despite the failure and replay");
  }

  @Test
  void aTaskInterruptedWhileWaitingEndsKilledAndTheRunIsResubmitted() {
    SparseTableHandle sums = ps.sparseTable(TableSpec.sparse("interrupted-sums", 1));
    int clocks = 8;
    RunStats stats = ps.train(rdd(2, 10), "interrupted", Consistency.bsp(), (worker, rows) -> {
      for (long c = worker.currentClock(); c < clocks; c++) {
        worker.push(sums, new long[] {worker.id(), 7}, new float[] {1, 1});
        if (worker.id() == 1 && worker.runAttempt() == 0 && c == 3) {
          Thread.currentThread().interrupt();  // as Spark does when it kills a task
        }
        worker.clock();
      }
    });
    assertEquals(RunClock.State.FINISHED, stats.state());
    assertArrayEquals(new float[] {clocks, clocks, 2 * clocks}, sums.pull(new long[] {0, 1, 7}),
        "each clock's push counted once despite the interrupt and replay");
  }

  @Test
  void aRecoveredRunEndsAtTheSameModelAsAFailureFreeOne() {
    float[] clean = fitLinearModel("fit-clean", false);
    float[] recovered = fitLinearModel("fit-recovered", true);
    for (int j = 0; j < clean.length; j++) {
      assertEquals(clean[j], recovered[j], 1e-3 + 1e-2 * Math.abs(clean[j]), "weight " + j);
    }
    assertEquals(2.0, clean[0], 0.05, "the fit found the true weights");
  }

  /**
   * Gradient descent on y = 2 x0 - x1 + 0.5 x2 with BSP, 30 clocks; with {@code fail}, partition 1's
   * first attempt dies at clock 10 and the run is resubmitted.
   */
  private static float[] fitLinearModel(String name, boolean fail) {
    DenseTableHandle w = ps.denseTable(TableSpec.dense(name, 3, 1));
    long[] keys = {0, 1, 2};
    ps.train(rdd(2, 200), name, Consistency.bsp(), (worker, rows) -> {
      List<double[]> xs = new ArrayList<>();
      rows.forEachRemaining(i -> xs.add(new double[] {Math.sin(i), Math.cos(i), (i % 7) / 7.0}));
      for (long c = worker.currentClock(); c < 30; c++) {
        float[] wv = w.pull(keys);
        float[] step = new float[3];
        for (double[] x : xs) {
          double err = wv[0] * x[0] + wv[1] * x[1] + wv[2] * x[2] - (2 * x[0] - x[1] + 0.5 * x[2]);
          for (int j = 0; j < 3; j++) {
            step[j] -= (float) (0.5 * err * x[j] / 200);
          }
        }
        worker.push(w, keys, step);
        if (fail && worker.id() == 1 && worker.runAttempt() == 0 && c == 10) {
          throw new IllegalStateException("injected failure");
        }
        worker.clock();
      }
    });
    return w.pull(keys);
  }

  @Test
  void invalidTrainingDataFailsTheRunAtOnceWithoutResubmittingIt() throws Exception {
    String message = "invalid training data in partition 1, row 3 (counting from 0): label has 2.0";
    for (Consistency consistency : List.of(Consistency.bsp(), Consistency.asp())) {
      String run = "invalid-data-" + consistency;
      try (TrainingJobs jobs = TrainingJobs.watch(spark.sparkContext())) {
        InvalidTrainingDataException e = assertThrows(InvalidTrainingDataException.class,
            () -> ps.train(rdd(2, 10), run, consistency, (worker, rows) -> {
              if (worker.id() == 1) {
                throw new InvalidTrainingDataException(message);
              }
              for (long c = worker.currentClock(); c < 5; c++) {
                worker.clock();
              }
            }));
        assertEquals(message, e.getMessage(), consistency + ": the task's message, no retry advice");
        assertEquals(1, jobs.attempts(run).size(), consistency + ": attempted once: " + jobs.attempts(run));
      }
    }
  }

  @Test
  void tooManyPartitionsForTheSlotsFailsAtOnceNamingBoth() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ps.train(rdd(3, 9), "too-wide", Consistency.bsp(), (w, rows) -> w.clock()));
    assertTrue(e.getMessage().contains("needs 3 tasks") && e.getMessage().contains("has 2 task slots"),
        e.getMessage());
  }

  @Test
  void aCoalescedInputFailsAtOnceNamingTheFixInsteadOfSparksBarrierError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ps.train(rdd(4, 8).coalesce(2), "coalesced", Consistency.bsp(), (w, rows) -> w.clock()));
    assertTrue(e.getMessage().contains("coalesced") && e.getMessage().contains("repartition(2)"), e.getMessage());
    RunStats ok = ps.train(rdd(4, 8).repartition(2), "repartitioned", Consistency.bsp(), (w, rows) -> w.clock());
    assertEquals(2, ok.clocks().length, "the fix the message names works");
  }

  @Test
  void aspRunsWithPlainMapPartitions() {
    DenseTableHandle counts = ps.denseTable(TableSpec.dense("asp-counts", 3, 1));
    ps.train(rdd(3, 9), "asp", Consistency.asp(), (worker, rows) -> {
      for (int c = 0; c < 5; c++) {
        worker.push(counts, new long[] {worker.id()}, new float[] {1});
        worker.clock();
      }
    });
    assertArrayEquals(new float[] {5, 5, 5}, counts.pullRange(0, 3));
  }

  @Test
  void aTableWithTheSameNameAndAnotherSpecIsRefusedWithTheFix() {
    ps.sparseTable(TableSpec.sparse("dims", 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ps.sparseTable(TableSpec.sparse("dims", 8)));
    assertTrue(e.getMessage().contains("exists with another spec") && e.getMessage().contains("dropTable"),
        e.getMessage());
  }

  private static JavaRDD<Integer> rdd(int partitions, int n) {
    List<Integer> xs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      xs.add(i);
    }
    return ps.sparkContext().parallelize(xs, partitions);
  }
}
