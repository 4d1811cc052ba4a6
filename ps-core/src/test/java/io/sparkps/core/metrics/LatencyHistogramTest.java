package io.sparkps.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void bucketsTileTheLongRangeWithoutGapsAndAtMostAQuarterWide() {
    assertEquals(0, LatencyHistogram.lowerBound(0));
    for (int i = 0; i + 1 < LatencyHistogram.BUCKETS; i++) {
      long lo = LatencyHistogram.lowerBound(i);
      long hi = LatencyHistogram.upperBound(i);
      assertEquals(hi + 1, LatencyHistogram.lowerBound(i + 1), "bucket " + i);
      assertEquals(i, LatencyHistogram.bucketOf(lo), "lower bound of " + i);
      assertEquals(i, LatencyHistogram.bucketOf(hi), "upper bound of " + i);
      assertTrue(hi - lo <= Math.max(0, lo / 4), "bucket " + i + " is [" + lo + ", " + hi + "]");
    }
    assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucketOf(Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, LatencyHistogram.upperBound(LatencyHistogram.BUCKETS - 1));
  }

  @Test
  void percentilesAreExactForValuesOnBucketBounds() {
    LatencyHistogram h = new LatencyHistogram();
    // 90 requests of 1023 ns, 9 of 10239 ns, 1 of 1048575 ns: each the upper bound of its bucket.
    for (int i = 0; i < 90; i++) {
      h.record(1023);
    }
    for (int i = 0; i < 9; i++) {
      h.record(10239);
    }
    h.record(1_048_575);
    LatencySnapshot s = h.snapshot();
    assertEquals(100, s.count());
    assertEquals(1023, s.percentile(0.5));
    assertEquals(1023, s.percentile(0.9));
    assertEquals(10239, s.percentile(0.91));
    assertEquals(10239, s.percentile(0.99));
    assertEquals(1_048_575, s.percentile(1.0));
    assertEquals(1_048_575, s.max());
    assertEquals((90 * 1023 + 9 * 10239 + 1_048_575) / 100.0, s.mean(), 1e-9);
  }

  @Test
  void aPercentileIsNeverBelowTheTruthNorMoreThanAQuarterAbove() {
    SplittableRandom random = new SplittableRandom(17);
    long[] values = new long[10_000];
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < values.length; i++) {
      values[i] = 1 + random.nextLong(50_000_000);
      h.record(values[i]);
    }
    java.util.Arrays.sort(values);
    LatencySnapshot s = h.snapshot();
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
      long truth = values[(int) Math.ceil(q * values.length) - 1];
      long read = s.percentile(q);
      assertTrue(read >= truth && read <= truth + truth / 4, "q=" + q + ": read " + read + ", truth " + truth);
    }
  }

  @Test
  void emptyNegativeAndBadQuantiles() {
    LatencyHistogram h = new LatencyHistogram();
    assertEquals(0, h.snapshot().percentile(0.99));
    assertEquals(0, h.snapshot().mean());
    h.record(-5);
    assertEquals(0, h.snapshot().percentile(0.5), "a ticker going back counts as 0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.snapshot().percentile(1.5));
    assertTrue(e.getMessage().contains("q=1.5"), e.getMessage());
  }

  @Test
  void concurrentRecordsAreAllCounted() throws Exception {
    LatencyHistogram h = new LatencyHistogram();
    int threads = 4;
    int each = 100_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long value = 1000L * (t + 1) - 1;
        done.add(CompletableFuture.runAsync(() -> {
          await(start);
          for (int i = 0; i < each; i++) {
            h.record(value);
          }
        }, pool));
      }
      start.countDown();
      CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    LatencySnapshot s = h.snapshot();
    assertEquals((long) threads * each, s.count());
    assertEquals((long) each * (999 + 1999 + 2999 + 3999), s.sum());
    assertEquals(3999, s.max());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("start latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
