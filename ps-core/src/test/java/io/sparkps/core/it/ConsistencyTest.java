package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.TableSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BSP / SSP / ASP gating and what a pull must see, with real workers, scheduler and servers. */
class ConsistencyTest {

  private static TestCluster cluster;
  private static PsClient client;
  private static final AtomicLong RUNS = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(2);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void sspKeepsEveryWorkerWithinTheStalenessOfTheSlowest() throws Exception {
    int workers = 4;
    int staleness = 2;
    int clocks = 20;
    String run = "ssp-" + RUNS.incrementAndGet();
    // completed[x]: clocks worker x has finished; written before x reports them.
    AtomicLongArray completed = new AtomicLongArray(workers);
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    AtomicLong maxAhead = new AtomicLong();
    CountDownLatch fastAtTheBound = new CountDownLatch(1);
    List<Future<?>> done = runWorkers(workers, w -> {
      try (Worker worker = Worker.register(client, run, w, workers, Consistency.ssp(staleness))) {
        for (int c = 0; c < clocks; c++) {
          if (w == 3 && c == 0) {
            // The slow worker stays at clock 0 until a fast one is about to cross the bound.
            assertTrue(fastAtTheBound.await(30, TimeUnit.SECONDS));
          }
          completed.set(w, c + 1);
          long now = worker.currentClock() + 1;
          if (w == 0 && c == staleness) {
            // Report the clock that crosses the bound before the slow worker may move: both go over
            // the one client connection, in order, so the scheduler parks this one first.
            CompletableFuture<Long> gate = worker.clockAsync();
            fastAtTheBound.countDown();
            gate.get(30, TimeUnit.SECONDS);
          } else {
            worker.clock();
          }
          long slowest = Long.MAX_VALUE;
          for (int x = 0; x < workers; x++) {
            slowest = Math.min(slowest, completed.get(x));
          }
          long ahead = now - slowest;
          maxAhead.accumulateAndGet(ahead, Math::max);
          if (ahead > staleness) {
            violations.add("worker " + w + " entered clock " + now + " while the slowest had completed " + slowest);
          }
        }
        worker.finish();
      }
      return null;
    });
    awaitAll(done);
    assertEquals(List.of(), violations);
    assertEquals(staleness, maxAhead.get(), "fast workers reached the bound (the gate was exercised)");
    RunStats stats = cluster.scheduler.runStats(run).orElseThrow();
    assertTrue(stats.blockedNanos()[0] > 0, "a fast worker spent time blocked");
    assertEquals(clocks, stats.clockCalls()[3]);
  }

  @Test
  void aspLetsFastWorkersFinishWithoutWaiting() throws Exception {
    int workers = 4;
    String run = "asp-" + RUNS.incrementAndGet();
    CountDownLatch fastDone = new CountDownLatch(workers - 1);
    List<Future<?>> done = runWorkers(workers, w -> {
      try (Worker worker = Worker.register(client, run, w, workers, Consistency.asp())) {
        if (w == 3) {
          // If ASP gated anyone, the fast workers would never finish and this would time out.
          assertTrue(fastDone.await(30, TimeUnit.SECONDS), "fast workers finished while the slow one was at clock 0");
        }
        for (int c = 0; c < 30; c++) {
          worker.clock();
        }
        worker.finish();
        if (w != 3) {
          fastDone.countDown();
        }
      }
      return null;
    });
    awaitAll(done);
  }

  @Test
  void clocksReportedWithoutWaitingReachTheSchedulerInOrder() throws Exception {
    int clocks = 200;
    String run = "unawaited-" + RUNS.incrementAndGet();
    DenseTable counts = client.createDenseTable(TableSpec.dense("counts-" + run, 2, 1));
    try (Worker worker = Worker.register(client, run, 0, 1, Consistency.asp())) {
      List<CompletableFuture<Long>> answers = new ArrayList<>();
      for (int c = 0; c < clocks; c++) {
        // Alternating rows: clock c + 1's push may be acknowledged before clock c's; the scheduler
        // refuses a clock that skips ahead, so the worker must still report them in order.
        worker.pushAsync(counts, new long[] {c % 2}, new float[] {1});
        answers.add(worker.clockAsync());
      }
      for (CompletableFuture<Long> a : answers) {
        a.get(30, TimeUnit.SECONDS);
      }
      worker.finish();
      assertEquals(clocks, worker.currentClock());
    }
    assertArrayEquals(new float[] {clocks / 2, clocks / 2}, counts.pullRange(0, 2));
  }

  @ParameterizedTest(name = "staleness {0}")
  @ValueSource(ints = {0, 2})
  void pullsSeeEveryPushOfClocksAtLeastStalenessPlusOneBehind(int staleness) throws Exception {
    int workers = 4;
    int clocks = 50;
    String run = "visibility-" + staleness + "-" + RUNS.incrementAndGet();
    DenseTable counts = client.createDenseTable(TableSpec.dense("counts-" + run, workers, 1));
    long[] rows = {0, 1, 2, 3};
    Consistency consistency = staleness == 0 ? Consistency.bsp() : Consistency.ssp(staleness);
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> done = runWorkers(workers, w -> {
      try (Worker worker = Worker.register(client, run, w, workers, consistency)) {
        for (int c = 0; c < clocks; c++) {
          float[] seen = counts.pull(rows);
          for (int x = 0; x < workers; x++) {
            long lower = x == w ? c : Math.max(0, c - staleness);
            long upper = x == w ? c : c + staleness + 1;
            if (seen[x] < lower || seen[x] > upper) {
              violations.add("worker " + w + " at clock " + c + " saw row " + x + " = " + seen[x]
                  + " (allowed [" + lower + ", " + upper + "])");
            }
          }
          worker.push(counts, new long[] {w}, new float[] {1});
          worker.clock();
        }
        worker.finish();
      }
      return null;
    });
    awaitAll(done);
    assertEquals(List.of(), violations);
    assertArrayEquals(new float[] {clocks, clocks, clocks, clocks}, counts.pull(rows));
  }

  @Test
  void sixteenWorkersTwoHundredClocksSspOneGiveExactTotalsRepeatedly() throws Exception {
    int workers = 16;
    int clocks = 200;
    for (int attempt = 0; attempt < 3; attempt++) {
      String run = "many-" + RUNS.incrementAndGet();
      DenseTable t = client.createDenseTable(TableSpec.dense("sum-" + run, workers + 4, 1));
      long[] shared = {16, 17, 18, 19};
      float[] ones = {1, 1, 1, 1};
      List<Future<?>> done = runWorkers(workers, w -> {
        try (Worker worker = Worker.register(client, run, w, workers, Consistency.ssp(1))) {
          for (int c = 0; c < clocks; c++) {
            worker.pushAsync(t, shared, ones);
            worker.pushAsync(t, new long[] {w}, new float[] {1});
            worker.clock();
          }
          worker.finish();
        }
        return null;
      });
      awaitAll(done);
      float[] want = new float[workers + 4];
      java.util.Arrays.fill(want, 0, workers, clocks);
      java.util.Arrays.fill(want, workers, workers + 4, (float) clocks * workers);
      assertArrayEquals(want, t.pullRange(0, workers + 4), "attempt " + attempt);
      assertEquals(io.sparkps.core.clock.RunClock.State.FINISHED,
          cluster.scheduler.runStats(run).orElseThrow().state());
    }
  }

  interface WorkerBody {
    Object run(int worker) throws Exception;
  }

  static List<Future<?>> runWorkers(int n, WorkerBody body) {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < n; w++) {
      int id = w;
      futures.add(pool.submit(() -> body.run(id)));
    }
    pool.shutdown();
    return futures;
  }

  static void awaitAll(List<Future<?>> futures) throws Exception {
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
  }
}
