package io.sparkps.bench;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.server.PsServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one {@code clock()} on loopback: N worker threads (each with its own client, as Spark
 * executors would have) call clock() in a loop with no work in between, under ASP (the bare round
 * trip to the scheduler) and BSP (round trip plus waiting for the slowest). Prints p50/p99 in µs.
 *
 * <p>Run: {@code scripts/bench-quick clock} or {@code java ... io.sparkps.bench.ClockBench [clocks]}.
 */
public final class ClockBench {

  private ClockBench() {}

  public static void main(String[] args) throws Exception {
    int clocks = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    PsConfig config = PsConfig.defaults();
    try (PsScheduler scheduler = PsScheduler.start(config);
        PsServer server = PsServer.start(config, 0, scheduler.host(), scheduler.port())) {
      scheduler.awaitServers(1).get(30, TimeUnit.SECONDS);
      System.out.printf("clock() round trip, %d clocks per worker, loopback, %d cores%n", clocks,
          Runtime.getRuntime().availableProcessors());
      System.out.printf("%-6s %8s %10s %10s %10s%n", "mode", "workers", "p50 µs", "p99 µs", "mean µs");
      int run = 0;
      for (int workers : new int[] {4, 16}) {
        for (Consistency c : new Consistency[] {Consistency.asp(), Consistency.bsp()}) {
          long[] samples = measure(config, scheduler, "bench-" + run++, workers, c, clocks);
          Arrays.sort(samples);
          double mean = Arrays.stream(samples).average().orElse(0) / 1e3;
          System.out.printf("%-6s %8d %10.1f %10.1f %10.1f%n", c, workers,
              samples[samples.length / 2] / 1e3, samples[(int) (samples.length * 0.99)] / 1e3, mean);
        }
      }
    }
  }

  private static long[] measure(PsConfig config, PsScheduler scheduler, String run, int workers,
      Consistency consistency, int clocks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<PsClient> clients = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        clients.add(PsClient.connect(config, scheduler.host(), scheduler.port()));
      }
      List<Future<long[]>> results = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int id = w;
        results.add(pool.submit(() -> {
          long[] t = new long[clocks];
          try (Worker worker = Worker.register(clients.get(id), run, id, workers, consistency)) {
            for (int i = 0; i < clocks; i++) {
              long start = System.nanoTime();
              worker.clock();
              t[i] = System.nanoTime() - start;
            }
            worker.finish();
          }
          // Drop the first 10% as warm-up.
          return Arrays.copyOfRange(t, clocks / 10, clocks);
        }));
      }
      List<long[]> all = new ArrayList<>();
      for (Future<long[]> f : results) {
        all.add(f.get(10, TimeUnit.MINUTES));
      }
      return all.stream().flatMapToLong(Arrays::stream).toArray();
    } finally {
      pool.shutdownNow();
      clients.forEach(PsClient::close);
    }
  }
}
