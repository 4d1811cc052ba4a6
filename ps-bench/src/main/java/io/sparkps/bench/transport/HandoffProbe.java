package io.sparkps.bench.transport;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The price of one thread hand-off on this machine, to read the small-op latencies against:
 * the round trip caller -> single-thread executor -> caller (a {@code CompletableFuture} completed
 * on the executor, awaited with {@code get}), i.e. two wake-ups, as spark-ps's server does for
 * every request (event loop -> shard lane -> event loop) and its client does twice (caller ->
 * event loop, event loop -> callback executor -> caller). Prints p50/p99 in µs.
 *
 * <p>Run: {@code java -cp benchmarks.jar io.sparkps.bench.transport.HandoffProbe [iterations]}.
 */
public final class HandoffProbe {

  private HandoffProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    ExecutorService lane = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "probe-lane");
      t.setDaemon(true);
      return t;
    });
    try {
      long[] t = new long[n];
      for (int i = -n / 5; i < n; i++) {  // the first fifth warms up
        long t0 = System.nanoTime();
        CompletableFuture<Integer> f = new CompletableFuture<>();
        int v = i;
        lane.execute(() -> f.complete(v));
        f.get(10, TimeUnit.SECONDS);
        if (i >= 0) {
          t[i] = System.nanoTime() - t0;
        }
      }
      Arrays.sort(t);
      System.out.printf(Locale.ROOT, "hand-off round trip (caller -> executor thread -> caller, 2 wake-ups): "
          + "p50 %.1f µs, p99 %.1f µs over %d round trips, %d cores%n", t[n / 2] / 1e3, t[(int) (n * 0.99)] / 1e3, n,
          Runtime.getRuntime().availableProcessors());
    } finally {
      lane.shutdownNow();
    }
  }
}
