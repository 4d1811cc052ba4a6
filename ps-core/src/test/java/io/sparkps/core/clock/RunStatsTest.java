package io.sparkps.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunStatsTest {

  @Test
  void printsItsArraysAsValuesAndSummarisesTheSkew() {
    RunStats s = new RunStats("lr", RunClock.State.FAILED, Consistency.ssp(2), new long[] {20, 19},
        new long[] {1500, 0}, new long[] {20, 19},
        List.of(new RunStats.SkewSample(10, 0, 1), new RunStats.SkewSample(20, 18, 20)), "worker 1 lost");
    assertEquals("RunStats[run=lr, state=FAILED, consistency=SSP(2), clocks=[20, 19], blockedNanos=[1500, 0], "
        + "clockCalls=[20, 19], skew=2 samples, max 2, failure=worker 1 lost]", s.toString());
  }

  @Test
  void summaryIsOneLineWithoutArrays() {
    RunStats s = new RunStats("lr", RunClock.State.FINISHED, Consistency.ssp(2), new long[] {20, 19},
        new long[] {300_000_000, 10_000_000}, new long[] {20, 19}, List.of(new RunStats.SkewSample(10, 18, 20)),
        null);
    assertEquals("lr: FINISHED, SSP(2), 2 workers at clock 19..20, 39 clock calls, 0.31 s blocked in clock(), "
        + "max skew 2", s.summary());
  }
}
