package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.clock.RunFailedException;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Replayed pushes are applied once; a lost worker releases everyone waiting on it. */
class ExactlyOnceAndRunFailureTest {

  @Test
  void replayingTheLastThreeClocksChangesNothingAndNewPushesStillApply() throws Exception {
    try (TestCluster cluster = new TestCluster(3)) {
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(TableSpec.sparse("totals", 2));
      long[] keys = new long[300];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i * 31L;
      }
      Worker w = Worker.register(client, "replay", 0, 1, Consistency.bsp());
      for (int c = 0; c < 10; c++) {
        pushClock(w, t, keys, c);
      }
      float[] before = t.pull(keys);

      w.resumeFrom(7);
      for (int c = 7; c < 10; c++) {
        pushClock(w, t, keys, c);
      }
      assertArrayEquals(before, t.pull(keys), "replayed clocks 7..9 were not applied again");

      // A retried task is a new client (maybe in another JVM): it is recognised all the same.
      PsClient retry = cluster.client();
      Worker again = Worker.register(retry, "replay", 0, 1, Consistency.bsp());
      assertEquals(10, again.currentClock(), "the retried worker resumes from the run's clock");
      again.resumeFrom(8);
      for (int c = 8; c < 10; c++) {
        pushClock(again, t, keys, c);
      }
      assertArrayEquals(before, t.pull(keys));

      pushClock(again, t, keys, 10);
      float[] after = t.pull(keys);
      for (int i = 0; i < after.length; i++) {
        assertEquals(before[i] + (i % 2 == 0 ? 11 : 22), after[i], 1e-3, "a new clock's push is applied");
      }
      again.finish();
      w.close();
    }
  }

  /** Clock c pushes (c + 1, 2c + 2) to every key, in two pushes of half the keys each. */
  private static void pushClock(Worker w, SparseTable t, long[] keys, int c) {
    int half = keys.length / 2;
    for (int part = 0; part < 2; part++) {
      long[] k = java.util.Arrays.copyOfRange(keys, part * half, (part + 1) * half);
      float[] v = new float[k.length * 2];
      for (int i = 0; i < k.length; i++) {
        v[2 * i] = c + 1;
        v[2 * i + 1] = 2 * c + 2;
      }
      w.pushAsync(t, k, v);
    }
    w.clock();
  }

  @Test
  void aSilentWorkerFailsTheRunAndReleasesBlockedWorkersByTheInjectedClock() throws Exception {
    FakeTicker ticker = new FakeTicker();
    PsConfig config = PsConfig.builder().heartbeatInterval(Duration.ofHours(1))
        .heartbeatTimeout(Duration.ofHours(2)).build();
    try (TestCluster cluster = new TestCluster(1, config, ticker)) {
      PsClient client = cluster.client();
      List<Worker> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        workers.add(Worker.register(client, "doomed", w, 4, Consistency.bsp()));
      }
      List<CompletableFuture<Long>> blocked = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        blocked.add(workers.get(w).clockAsync());
      }
      // Worker 3 never reports: the others wait on it. A round trip on the same connection
      // makes sure the three clock reports reached the scheduler.
      client.barrierAsync("sync", 1).get(10, TimeUnit.SECONDS);

      ticker.advance(Duration.ofMinutes(119));
      cluster.scheduler.checkHeartbeats();
      assertTrue(blocked.stream().noneMatch(CompletableFuture::isDone), "within the timeout they keep waiting");

      ticker.advance(Duration.ofMinutes(2));
      cluster.scheduler.checkHeartbeats();
      for (CompletableFuture<Long> f : blocked) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        RunFailedException rf = assertInstanceOf(RunFailedException.class, e.getCause());
        assertTrue(rf.getMessage().contains("[3]"), rf.getMessage());
      }
      assertEquals(RunClock.State.FAILED, cluster.scheduler.runStats("doomed").orElseThrow().state());
      assertThrows(RunFailedException.class, () -> workers.get(0).clock());

      // Retried tasks resume the run: workers 0-2 had completed clock 0, worker 3 had not.
      for (int w = 0; w < 4; w++) {
        workers.get(w).close();
      }
      List<Worker> retried = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        retried.add(Worker.register(client, "doomed", w, 4, Consistency.bsp()));
        assertEquals(w == 3 ? 0 : 1, retried.get(w).currentClock());
      }
      assertEquals(1, retried.get(3).clock(), "worker 3 catches up with the others");
      List<CompletableFuture<Long>> resumed = new ArrayList<>();
      for (Worker w : retried) {
        resumed.add(w.clockAsync());
      }
      for (CompletableFuture<Long> f : resumed) {
        assertEquals(2L, f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(RunClock.State.RUNNING, cluster.scheduler.runStats("doomed").orElseThrow().state());
    }
  }

  @Test
  void aWorkerClosedBeforeFinishingReleasesTheOthersAtOnce() throws Exception {
    try (TestCluster cluster = new TestCluster(1)) {
      PsClient client = cluster.client();
      Worker a = Worker.register(client, "crash", 0, 2, Consistency.bsp());
      Worker b = Worker.register(cluster.client(), "crash", 1, 2, Consistency.bsp());
      CompletableFuture<Long> waiting = a.clockAsync();
      assertFalse(waiting.isDone());
      b.close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertInstanceOf(RunFailedException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("closed before finishing"), e.getCause().getMessage());
      a.close();
    }
  }
}
