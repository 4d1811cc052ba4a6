package io.sparkps.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The gate, barrier, failure and statistics logic of one run, driven by hand (no threads, no time). */
class RunClockTest {

  @Test
  void bspHoldsEveryWorkerUntilAllReachTheClock() {
    RunClock run = registered(3, Consistency.bsp());
    CompletableFuture<Long> a = advance(run, 0, 1, 10);
    CompletableFuture<Long> b = advance(run, 1, 1, 20);
    assertFalse(a.isDone());
    assertFalse(b.isDone());
    CompletableFuture<Long> c = advance(run, 2, 1, 50);
    assertTrue(a.isDone() && b.isDone() && c.isDone());
    assertEquals(1L, a.join());
    RunStats stats = run.stats();
    assertEquals(40, stats.blockedNanos()[0], "worker 0 waited from t=10 to t=50");
    assertEquals(30, stats.blockedNanos()[1]);
    assertEquals(0, stats.blockedNanos()[2]);
  }

  @Test
  void sspLetsWorkersRunAheadByAtMostTheStaleness() {
    RunClock run = registered(2, Consistency.ssp(2));
    assertTrue(advance(run, 0, 1, 0).isDone());
    assertTrue(advance(run, 0, 2, 0).isDone(), "2 ahead of a worker at 0 is within s=2");
    CompletableFuture<Long> third = advance(run, 0, 3, 0);
    assertFalse(third.isDone(), "3 ahead is not");
    advance(run, 1, 1, 0);
    assertTrue(third.isDone());
    // Skew counts reported clocks: the blocked worker had reported 3 while the slowest was at 0,
    // but it could not run clock 3 until the slowest reached 1.
    assertEquals(3, run.stats().maxSkew());
  }

  @Test
  void aspNeverWaits() {
    RunClock run = registered(2, Consistency.asp());
    for (int c = 1; c <= 100; c++) {
      assertTrue(advance(run, 0, c, 0).isDone());
    }
    assertEquals(100, run.stats().maxSkew());
  }

  @Test
  void failureReleasesEveryWaiterWithATypedExceptionAndReRegistrationResumes() {
    RunClock run = registered(3, Consistency.bsp());
    advance(run, 0, 1, 0);
    CompletableFuture<Long> waiting = advance(run, 1, 1, 0);
    CompletableFuture<Void> atBarrier = barrier(run, 0, 0);
    fail(run, "worker 2 timed out");
    ExecutionException e = assertThrows(ExecutionException.class, waiting::get);
    assertInstanceOf(RunFailedException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("worker 2 timed out"));
    assertTrue(atBarrier.isCompletedExceptionally());
    assertEquals(RunClock.State.FAILED, run.state());
    assertTrue(advance(run, 0, 2, 0).isCompletedExceptionally(), "a failed run gates nobody through");

    assertEquals(1, run.register(0, 0), "a retried worker resumes from its clock");
    assertEquals(0, run.register(2, 0));
    run.register(1, 0);
    assertEquals(RunClock.State.RUNNING, run.state());
    assertTrue(advance(run, 2, 1, 0).isDone());
  }

  @Test
  void silentWorkersAreFoundByTheTimeGiven() {
    RunClock run = registered(2, Consistency.bsp());
    run.heard(0, 100);
    assertEquals(List.of(1), run.silentWorkers(100, 50));
    assertEquals(List.of(), run.silentWorkers(40, 50));
  }

  @Test
  void aGatedRunCountsAWorkerThatNeverRegisteredAsSilentFromTheTimeTheRunResumed() {
    RunClock run = new RunClock("r", 1, 2, Consistency.bsp());
    run.register(0, 10);
    run.heard(0, 61);  // worker 0 beats; worker 1 has nothing to beat with
    assertEquals(List.of(), run.silentWorkers(60, 50), "worker 1 may still be starting");
    assertEquals(List.of(1), run.silentWorkers(61, 50), "worker 1 never came");

    fail(run, "worker 1 never registered");
    run.register(0, 1_000);  // a stale task re-registers and resumes the run on its own
    run.heard(0, 1_051);
    assertEquals(List.of(), run.silentWorkers(1_050, 50), "counted from the resume, not the start");
    assertEquals(List.of(1), run.silentWorkers(1_051, 50));

    RunClock asp = new RunClock("a", 2, 2, Consistency.asp());
    asp.register(0, 10);
    asp.heard(0, 10_000);
    assertEquals(List.of(), asp.silentWorkers(10_000, 50), "ASP workers may start in waves");
  }

  @Test
  void finishedWorkersStopGatingAndTheBarrierCountsOnlyTheRest() {
    RunClock run = registered(2, Consistency.bsp());
    CompletableFuture<Long> gate = advance(run, 0, 1, 0);
    CompletableFuture<Void> barrier = barrier(run, 0, 0);
    finish(run, 1, 0);
    assertTrue(gate.isDone());
    assertTrue(barrier.isDone());
    finish(run, 0, 0);
    assertEquals(RunClock.State.FINISHED, run.state());
  }

  @Test
  void skippingAClockIsRefused() {
    RunClock run = registered(1, Consistency.bsp());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> advance(run, 0, 2, 0));
    assertTrue(e.getMessage().contains("clock skipped ahead"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> advance(run, 5, 1, 0));
  }

  private static RunClock registered(int n, Consistency c) {
    RunClock run = new RunClock("run", 1, n, c);
    for (int w = 0; w < n; w++) {
      run.register(w, 0);
    }
    return run;
  }

  @Test
  void aCutHoldsWorkersAtItsClockWhateverTheStalenessUntilReleased() {
    RunClock run = new RunClock("r", 1, 2, Consistency.asp());
    run.register(0, 0);
    run.register(1, 0);
    assertTrue(advance(run, 0, 1, 0).isDone(), "ASP: nobody waits");
    java.util.concurrent.CompletableFuture<Long> cut = holdAt(run, 2);
    assertThrows(IllegalStateException.class, () -> holdAt(run, 3), "one cut at a time");
    java.util.concurrent.CompletableFuture<Long> held0 = advance(run, 0, 2, 0);
    assertFalse(held0.isDone(), "held at the cut although ASP");
    assertFalse(cut.isDone(), "worker 1 has not reached the cut");
    assertTrue(advance(run, 1, 1, 0).isDone());
    java.util.concurrent.CompletableFuture<Long> held1 = advance(run, 1, 2, 0);
    assertEquals(2L, cut.getNow(-1L), "every worker reported the cut clock");
    assertFalse(held1.isDone());
    releaseHold(run, 0);
    assertTrue(held0.isDone() && held1.isDone());
    assertThrows(IllegalStateException.class, () -> holdAt(run, 2), "a worker is already at 2");
  }

  @Test
  void aRollbackMovesClocksBackAndStartsANewEpoch() {
    RunClock run = new RunClock("r", 1, 2, Consistency.ssp(1));
    run.register(0, 0);
    run.register(1, 0);
    advance(run, 0, 1, 0);
    advance(run, 1, 1, 0);
    advance(run, 1, 2, 0);
    assertThrows(IllegalStateException.class, () -> run.rollBack(1), "only a failed run rolls back");
    java.util.concurrent.CompletableFuture<Long> cut = holdAt(run, 3);
    fail(run, "server lost");
    assertTrue(cut.isCompletedExceptionally(), "a failed run fails its pending cut");
    run.rollBack(1);
    assertEquals(1, run.epoch());
    assertEquals(1L, run.register(0, 0));
    assertEquals(1L, run.register(1, 0), "worker 1 was at 2: back to the checkpoint's 1");
    assertTrue(advance(run, 1, 2, 0).isDone(), "replaying clock 2 is allowed again");
  }

  // Each call runs its effects at once, as the scheduler does after unlocking.

  private static CompletableFuture<Long> advance(RunClock run, int worker, long clock, long now) {
    Effects effects = new Effects(run);
    CompletableFuture<Long> gate = run.advance(worker, clock, now, effects);
    effects.run();
    return gate;
  }

  private static CompletableFuture<Void> barrier(RunClock run, int worker, long now) {
    Effects effects = new Effects(run);
    CompletableFuture<Void> done = run.barrier(worker, now, effects);
    effects.run();
    return done;
  }

  private static void finish(RunClock run, int worker, long now) {
    Effects effects = new Effects(run);
    run.finish(worker, now, effects);
    effects.run();
  }

  private static void fail(RunClock run, String reason) {
    Effects effects = new Effects(run);
    run.fail(reason, effects);
    effects.run();
  }

  private static void releaseHold(RunClock run, long now) {
    Effects effects = new Effects(run);
    run.releaseHold(now, effects);
    effects.run();
  }

  private static CompletableFuture<Long> holdAt(RunClock run, long clock) {
    Effects effects = new Effects(run);
    CompletableFuture<Long> cut = run.holdAt(clock, effects);
    effects.run();
    return cut;
  }

  @Test
  void openedGatesCompleteOnlyWhenTheCallerRunsItsEffectsOutsideTheLock() {
    RunClock run = registered(2, Consistency.bsp());
    CompletableFuture<Long> first = advance(run, 0, 1, 0);
    Effects effects = new Effects(run);
    CompletableFuture<Long> second = run.advance(1, 1, 0, effects);
    assertTrue(second.isDone(), "the last worker's own gate is new: nobody waits on it yet");
    assertFalse(first.isDone(), "the gate it opened waits for the effects");
    synchronized (run) {
      IllegalStateException e = assertThrows(IllegalStateException.class, effects::run);
      assertTrue(e.getMessage().contains("after the lock is released"), e.getMessage());
    }
    assertFalse(first.isDone(), "refused under the lock: nothing ran");
    effects.run();
    assertEquals(1L, first.getNow(-1L));
  }
}
