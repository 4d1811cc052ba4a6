package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.TableSpec;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PsContext#training}: the form that fixes the element type before the function (for
 * Scala; the shell test types it from docs/spark.md), used here from Java, over a JavaRDD and over
 * a Scala RDD.
 */
class TrainingTest {

  private static SparkSession spark;
  private static PsContext ps;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("local[2]", true).getOrCreate();
    ps = PsContext.getOrCreate(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void runTrainsOverAJavaRddWithExactTotals() {
    SparseTableHandle counts = ps.sparseTable(TableSpec.sparse("training.java", 1));
    JavaRDD<Integer> data = ps.sparkContext().parallelize(List.of(1, 2, 3, 4, 5, 6), 2);
    RunStats stats = ps.training(data, "training-java", Consistency.ssp(1)).run((worker, rows) -> {
      float sum = 0;
      while (rows.hasNext()) {
        sum += rows.next();
      }
      for (long c = worker.currentClock(); c < 4; c++) {
        worker.push(counts, new long[] {worker.id()}, new float[] {sum});
        worker.clock();
      }
    });
    assertEquals(RunClock.State.FINISHED, stats.state());
    assertEquals("training-java", stats.run());
    assertArrayEquals(new float[] {4 * (1 + 2 + 3), 4 * (4 + 5 + 6)}, counts.pull(new long[] {0, 1}));
  }

  @Test
  void aScalaRddTrainsTheSameWay() {
    DenseTableHandle counts = ps.denseTable(TableSpec.dense("training.scala-rdd", 2, 1));
    org.apache.spark.rdd.RDD<Integer> data =
        ps.sparkContext().parallelize(List.of(1, 2, 3, 4), 2).rdd();
    Training<Integer> training = ps.training(data, "training-rdd", Consistency.bsp());
    assertEquals(2, training.data().getNumPartitions());
    assertEquals("Training{run=training-rdd, " + Consistency.bsp() + ", partitions=2}", training.toString());
    training.run((worker, rows) -> {
      for (long c = worker.currentClock(); c < 3; c++) {
        worker.push(counts, new long[] {worker.id()}, new float[] {1});
        worker.clock();
      }
    });
    assertArrayEquals(new float[] {3, 3}, counts.pullRange(0, 2));
  }

  @Test
  void anAspWorkerClocksWithoutWaitingAndStillPullsItsOwnPushes() {
    SparseTableHandle counts = ps.sparseTable(TableSpec.sparse("training.asp-pipelined", 1));
    JavaRDD<Integer> data = ps.sparkContext().parallelize(List.of(1, 2), 2);
    int clocks = 300;
    RunStats stats = ps.training(data, "training-asp-pipelined", Consistency.asp()).run((worker, rows) -> {
      if (worker.staleness() != -1) {
        throw new IllegalStateException("an ASP run's staleness: " + worker.staleness());
      }
      long[] mine = {worker.id()};
      for (long c = worker.currentClock(); c < clocks; c++) {
        // The pushes of the clocks still unanswered went out first on the same connection.
        float seen = counts.pull(mine)[0];
        if (seen != c) {
          throw new IllegalStateException("worker " + worker.id() + " at clock " + c + " pulled " + seen);
        }
        worker.pushAsync(counts, mine, new float[] {1});
        worker.clockWithoutWaiting(4);
      }
    });
    assertEquals(RunClock.State.FINISHED, stats.state());
    assertArrayEquals(new float[] {clocks, clocks}, counts.pull(new long[] {0, 1}));
  }

  @Test
  void outsideAspClockWithoutWaitingIsAClock() {
    SparseTableHandle counts = ps.sparseTable(TableSpec.sparse("training.bsp-pipelined", 1));
    JavaRDD<Integer> data = ps.sparkContext().parallelize(List.of(1, 2), 2);
    ps.training(data, "training-bsp-pipelined", Consistency.bsp()).run((worker, rows) -> {
      if (worker.staleness() != 0) {
        throw new IllegalStateException("a BSP run's staleness: " + worker.staleness());
      }
      for (long c = worker.currentClock(); c < 20; c++) {
        // BSP: at clock c both workers' pushes of the clocks before are in; the other's of clock c may be.
        float seen = counts.pull(new long[] {0})[0];
        if (seen < 2 * c || seen > 2 * c + 1) {
          throw new IllegalStateException("worker " + worker.id() + " at clock " + c + " pulled " + seen);
        }
        worker.pushAsync(counts, new long[] {0}, new float[] {1});
        worker.clockWithoutWaiting(4);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> worker.clockWithoutWaiting(0));
      if (!e.getMessage().contains("maxInFlight must be >= 1")) {
        throw new IllegalStateException(e.getMessage());
      }
    });
    assertArrayEquals(new float[] {40}, counts.pull(new long[] {0}));
  }

  /** Not Serializable: a training function that captures it cannot be shipped. */
  static final class Tally {
    long n;
  }

  @Test
  void aFunctionThatDoesNotSerialiseFailsNamingTheClassNotAMissingJar() {
    Tally tally = new Tally();
    JavaRDD<Integer> data = ps.sparkContext().parallelize(List.of(1, 2), 2);
    // Refused at once (a resubmission would be refused the same way), with Spark's error as the cause.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ps.training(data, "training-unserialisable", Consistency.asp()).run((worker, rows) -> tally.n++));
    assertTrue(e.getMessage().contains("cannot be serialised"), e.getMessage());
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t).append('\n');
    }
    String all = chain.toString();
    assertTrue(all.contains("NotSerializableException") && all.contains(Tally.class.getName()), all);
    assertTrue(!all.contains("cannot load spark-ps classes") && !all.contains("GetBooleanAction"), all);
  }

  @Test
  void aBlankRunNameIsRefusedBeforeAnyJob() {
    JavaRDD<Integer> data = ps.sparkContext().parallelize(List.of(1), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ps.training(data, " ", Consistency.asp()));
    assertTrue(e.getMessage().contains("run name must not be blank"), e.getMessage());
  }
}
