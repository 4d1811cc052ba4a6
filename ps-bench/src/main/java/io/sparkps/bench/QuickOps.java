package io.sparkps.bench;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.server.PsServer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A quick loopback measurement of the basic operations (not JMH): one scheduler, one server and
 * one client in this JVM, one request in flight. Dense: pull and push of a 1M-float row (4 MiB);
 * sparse: pull and push of 10,000 random keys of dim 16. Prints ops/s, MB/s and keys/s.
 *
 * <p>Run: {@code scripts/bench-quick} (or {@code java @scripts/jvm.options -cp ... io.sparkps.bench.QuickOps [seconds]}).
 */
public final class QuickOps {

  private static final int DENSE_FLOATS = 1 << 20;
  private static final int SPARSE_KEYS = 10_000;
  private static final int SPARSE_DIM = 16;

  private QuickOps() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    PsConfig config = PsConfig.defaults();
    try (PsScheduler scheduler = PsScheduler.start(config);
        PsServer server = PsServer.start(config, 0, scheduler.host(), scheduler.port());
        PsClient client = PsClient.connect(config, scheduler.host(), scheduler.port())) {
      scheduler.awaitServers(1).get(30, TimeUnit.SECONDS);
      DenseTable dense = client.createDenseTable(TableSpec.dense("bench.dense", 1, DENSE_FLOATS));
      SparseTable sparse = client.createSparseTable(TableSpec.sparse("bench.sparse", SPARSE_DIM));
      long[] row = {0};
      float[] denseValues = new float[DENSE_FLOATS];
      Arrays.fill(denseValues, 0.5f);
      Random rnd = new Random(42);
      long[] keys = rnd.longs(SPARSE_KEYS * 2L, 0, 1_000_000).distinct().limit(SPARSE_KEYS).sorted().toArray();
      float[] sparseValues = new float[keys.length * SPARSE_DIM];
      Arrays.fill(sparseValues, 0.25f);
      sparse.push(keys, sparseValues);

      System.out.printf("spark-ps quick ops: 1 server, 1 client, 1 request in flight, %s%n",
          "(epoll when available)");
      System.out.printf("%-34s %12s %12s %14s%n", "operation", "ops/s", "MB/s", "keys/s");
      report("dense pull 1M floats (4 MiB)", seconds, 4.0 * DENSE_FLOATS, 0, () -> dense.pull(row));
      report("dense push 1M floats (4 MiB)", seconds, 4.0 * DENSE_FLOATS, 0, () -> dense.push(row, denseValues));
      report("sparse pull 10k keys x 16", seconds, keys.length * (8.0 + 64), keys.length, () -> sparse.pull(keys));
      report("sparse push 10k keys x 16", seconds, keys.length * (8.0 + 64), keys.length,
          () -> sparse.push(keys, sparseValues));
      long[] one = {keys[0]};
      report("sparse pull 1 key x 16", seconds, 72, 1, () -> sparse.pull(one));
    }
  }

  private static void report(String name, double seconds, double bytesPerOp, int keysPerOp, Runnable op) {
    long warmupEnd = System.nanoTime() + (long) (seconds * 0.3e9);
    while (System.nanoTime() < warmupEnd) {
      op.run();
    }
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long ops = 0;
    long now;
    do {
      op.run();
      ops++;
      now = System.nanoTime();
    } while (now < end);
    double secs = (now - start) / 1e9;
    double opsPerSec = ops / secs;
    System.out.printf("%-34s %12.1f %12.1f %14s%n", name, opsPerSec, opsPerSec * bytesPerOp / 1e6,
        keysPerOp == 0 ? "-" : String.format("%.2fM", opsPerSec * keysPerOp / 1e6));
  }
}
