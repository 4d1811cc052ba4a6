package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.testing.CountedLr;
import io.sparkps.spark.testing.ExecutorFault;
import io.sparkps.spark.testing.StandaloneCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors hosting parameter servers fail in the middle of SSP training on a real standalone
 * cluster, and training completes without user action. A sum table trained alongside the model
 * ({@link CountedLr}) proves no push was lost or applied twice.
 *
 * <ul>
 *   <li>{@code kill -9} with a spare slot (3 workers, 2 partitions): the lost shards move to live
 *       servers, restored from the latest automatic checkpoint; the run resumes at that checkpoint's
 *       clock and ends within a small margin of a run without failure.
 *   <li>{@code kill -STOP} past the heartbeat timeout, then {@code kill -CONT} (2 workers, no
 *       spare slot): the scheduler declares the frozen server dead and moves its shards; the
 *       server, once resumed, applies nothing more (its lease expired) and the executor hosts a
 *       fresh server in its place.
 * </ul>
 */
class MultiJvmFaultToleranceTest {

  private static final int EPOCHS = 4;
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
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(3).name("fault").start()) {
      SparkSession spark = session(cluster, "spark-ps-fault-tolerance", "10s");
      try {
        PsContext ps = PsContext.getOrCreate(spark);
        assertEquals(3, ps.routing().servers().stream().filter(ServerInfo::alive).count());
        JavaRDD<SparseExample> train = data(ps);
        List<SparseExample> heldOut = CountedLr.generate(ps.sparkContext(), 1, 5_000).collect();
        float[] expected = expectedCounts();

        // The run with a failure: worker 0 kills another executor's JVM once, at clock 70.
        CountedLr.Tables faulty = CountedLr.Tables.create(ps, "faulty");
        ps.train(train, "faulty", Consistency.ssp(1), faulty.function(ROWS, PARTITIONS, EPOCHS,
            new ExecutorFault(ExecutorFault.Kind.KILL, ps.sparkContext().sc().applicationId(), KILL_AT_CLOCK, tmp)));
        long victim = Long.parseLong(read("victim"));
        assertFalse(StandaloneCluster.isAlive(victim), "the victim executor is gone");
        assertEquals(1, ps.routing().servers().stream().filter(s -> !s.alive()).count(),
            "one server was lost: " + ps.routing().servers());
        assertTrue(ps.latestCheckpoint().isPresent(), "automatic checkpoints were taken");
        // The cut at clock 60 holds every worker until its manifest is written, so when worker 0
        // kills at 70 it is the latest checkpoint, and the next (80) is not reached: the run
        // resumes exactly there, not from 0.
        assertEquals(KILL_AT_CLOCK / CHECKPOINT_EVERY * CHECKPOINT_EVERY, Long.parseLong(read("resumed-clock")),
            "the run resumed at the clock of the checkpoint taken before the kill");
        assertArrayEquals(expected, faulty.counts(PARTITIONS),
            "every worker's clock pushes applied exactly once across the failure");

        // The same training without failure.
        CountedLr.Tables clean = CountedLr.Tables.create(ps, "clean");
        ps.train(train, "clean", Consistency.ssp(1), clean.function(ROWS, PARTITIONS, EPOCHS, null));
        assertArrayEquals(expected, clean.counts(PARTITIONS));

        double faultyLoss = faulty.heldOutLogLoss(heldOut);
        double cleanLoss = clean.heldOutLogLoss(heldOut);
        double constant = CountedLr.constantLogLoss(heldOut);
        System.out.printf(Locale.ROOT, "fault test: held-out logloss %.4f with the failure, %.4f without "
            + "(constant %.4f); executor killed -> training progressing again: %d ms%n", faultyLoss, cleanLoss,
            constant, Long.parseLong(read("resumed")) - Long.parseLong(read("fault-at")));
        assertTrue(cleanLoss < constant - 0.1, "learns: " + cleanLoss + " vs constant " + constant);
        assertTrue(Math.abs(faultyLoss - cleanLoss) <= MARGIN,
            "within " + MARGIN + " of the failure-free run: " + faultyLoss + " vs " + cleanLoss);
      } finally {
        spark.stop();
      }
    }
  }

  @Test
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void aServerPausedPastTheHeartbeatTimeoutAppliesNothingMoreAndItsExecutorHostsANewOne() throws Exception {
    long pauseAt = 30;
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(2).name("pause").start()) {
      SparkSession spark = session(cluster, "spark-ps-pause", "3s");
      try {
        PsContext ps = PsContext.getOrCreate(spark);
        List<ServerInfo> before = ps.routing().servers();
        assertEquals(2, before.stream().filter(ServerInfo::alive).count());
        JavaRDD<SparseExample> train = data(ps);
        List<SparseExample> heldOut = CountedLr.generate(ps.sparkContext(), 1, 5_000).collect();

        // Once the scheduler has declared the frozen server dead and moved every shard to the
        // live one, the frozen executor resumes.
        CompletableFuture<Void> resumed = awaitRouting(ps, r -> r.servers().stream().anyMatch(s -> !s.alive())
                && r.tables().stream().allMatch(t -> ownersAlive(r, t)), 300)
            .thenAccept(r -> signal(Long.parseLong(read("victim")), "-CONT"));
        CountedLr.Tables tables = CountedLr.Tables.create(ps, "paused");
        ps.train(train, "paused", Consistency.ssp(1), tables.function(ROWS, PARTITIONS, EPOCHS,
            new ExecutorFault(ExecutorFault.Kind.PAUSE, ps.sparkContext().sc().applicationId(), pauseAt, tmp)));
        resumed.get(10, TimeUnit.SECONDS);

        assertArrayEquals(expectedCounts(), tables.counts(PARTITIONS),
            "every worker's clock pushes applied exactly once: none to the frozen server after it resumed");
        double loss = tables.heldOutLogLoss(heldOut);
        assertTrue(loss < CountedLr.constantLogLoss(heldOut) - 0.1, "learns: " + loss);

        // The resumed executor hosts a new server: two alive again, the frozen one dead for good.
        RoutingTable after = awaitRouting(ps, r -> r.servers().stream().filter(ServerInfo::alive).count() == 2
            && r.servers().size() == 3, 60).get(70, TimeUnit.SECONDS);
        assertEquals(1, after.servers().stream().filter(s -> !s.alive()).count(), after.servers().toString());
        List<String> cutOff = executorLogLines(cluster, ps, "was cut off by the scheduler");
        assertEquals(1, cutOff.size(), "the resumed executor replaced its server once: " + cutOff);
        System.out.printf(Locale.ROOT, "pause test: paused at %s, resumed at clock %s; %s%n", read("fault-at"),
            read("resumed-clock"), cutOff.get(0));
      } finally {
        spark.stop();
      }
    }
  }

  private SparkSession session(StandaloneCluster cluster, String name, String heartbeatTimeout) {
    return SparkSession.builder()
        .config(cluster.driverConf(name).set("spark.plugins", PsPlugin.class.getName())
            .set(PsSparkConf.CHECKPOINT_DIR, tmp.resolve("checkpoints").toString())
            .set(PsSparkConf.CHECKPOINT_INTERVAL, Long.toString(CHECKPOINT_EVERY))
            .set(PsSparkConf.HEARTBEAT_TIMEOUT, heartbeatTimeout))
        .getOrCreate();
  }

  private static JavaRDD<SparseExample> data(PsContext ps) {
    JavaRDD<SparseExample> train = CountedLr.generate(ps.sparkContext(), 0, ROWS).repartition(PARTITIONS).cache();
    train.count();
    return train;
  }

  private static float[] expectedCounts() {
    float[] expected = new float[PARTITIONS];
    Arrays.fill(expected, CountedLr.clocks(ROWS, PARTITIONS, EPOCHS));
    return expected;
  }

  private static boolean ownersAlive(RoutingTable r, TableRoute t) {
    return Arrays.stream(t.shardOwners()).allMatch(o -> r.server(o).map(ServerInfo::alive).orElse(false));
  }

  /** Completes with the first routing table (the current or a later one) that satisfies {@code done}. */
  private static CompletableFuture<RoutingTable> awaitRouting(PsContext ps, Predicate<RoutingTable> done,
      long timeoutSeconds) {
    return CompletableFuture.supplyAsync(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      RoutingTable r = ps.client().routing();
      try {
        while (!done.test(r)) {
          r = ps.client().routingAtLeast(r.version() + 1).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        return r;
      } catch (Exception e) {
        throw new IllegalStateException("routing never satisfied the condition; last: " + r, e);
      }
    });
  }

  private static void signal(long pid, String signal) {
    try {
      ExecutorFault.signal(pid, signal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String read(String name) {
    try {
      return Files.readString(tmp.resolve(name), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines containing {@code text} in the logs (stdout, stderr) of this application's executors. */
  private static List<String> executorLogLines(StandaloneCluster cluster, PsContext ps, String text)
      throws IOException {
    String appId = ps.sparkContext().sc().applicationId();
    try (Stream<Path> files = Files.walk(cluster.workDir())) {
      return files.filter(p -> List.of("stdout", "stderr").contains(p.getFileName().toString())
              && p.toString().contains(appId))
          .flatMap(p -> {
            try {
              return Files.readAllLines(p, StandardCharsets.UTF_8).stream();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })
          .filter(l -> l.contains(text)).toList();
    }
  }
}
