package io.sparkps.bench.durability;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.update.UpdaterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoint, restore and recovery cost, and an off-heap table beyond its server's heap. Usage:
 * <pre>
 *   DurabilityBench checkpoint --rows=4000000 --dir=/tmp/ckpt --out=DIR
 *   DurabilityBench offheap --rows=50000000 --server-heap=2g --out=DIR
 * </pre>
 * Everything runs on loopback; servers of the checkpoint part share this JVM (2 servers, heap
 * tables), the off-heap part starts one server JVM with the given heap.
 */
public final class DurabilityBench {

  private static final int DIM = 16;
  private static final int BATCH = 20_000;

  private DurabilityBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "checkpoint" : args[0];
    long rows = longArg(args, "rows", mode.equals("offheap") ? 50_000_000L : 4_000_000L);
    Path out = Path.of(stringArg(args, "out", "ps-bench/target/bench"));
    Files.createDirectories(out);
    if (mode.equals("offheap")) {
      offHeap(rows, stringArg(args, "server-heap", "2g"), out);
    } else {
      checkpoint(rows, Path.of(stringArg(args, "dir", out.resolve("checkpoints").toString())), out);
    }
  }

  private static void checkpoint(long rows, Path dir, Path out) throws Exception {
    PsConfig config = PsConfig.builder().requestTimeout(java.time.Duration.ofMinutes(10)).build();
    TableSpec spec = TableSpec.sparse("w", DIM).withUpdater(UpdaterSpec.adagrad(0.1));
    List<String> csv = new ArrayList<>();
    csv.add("step,rows,bytes,seconds,gb_per_s");
    try (Deployment a = new Deployment(config, 2)) {
      a.scheduler.configureCheckpoints(CheckpointPolicy.onDemand(dir.toString()));
      SparseTable t = a.client.createSparseTable(spec);
      long start = System.nanoTime();
      fill(t, rows);
      report(csv, "fill (push through AdaGrad)", rows, rows * DIM * 4, start);
      start = System.nanoTime();
      Manifest m = a.scheduler.checkpoint().get(30, TimeUnit.MINUTES);
      report(csv, "checkpoint (2 servers, 4 shards)", rows, m.bytes(), start);

      try (Deployment b = new Deployment(config, 2)) {
        start = System.nanoTime();
        b.scheduler.restore(dir.toString()).get(30, TimeUnit.MINUTES);
        report(csv, "restore into a new deployment", rows, m.bytes(), start);
      }

      // Recovery: a server dies; its shards are restored from the checkpoint on the other one.
      RoutingTable before = a.client.routing();
      start = System.nanoTime();
      a.servers.get(1).close();
      a.client.routingAtLeast(before.version() + 2).get(30, TimeUnit.MINUTES);
      report(csv, "recovery of a lost server's shards", rows / 2, m.bytes() / 2, start);
      long[] probe = {1, rows / 2, rows - 1};
      float[] w = t.pull(probe);
      if (w.length != probe.length * DIM) {
        throw new IllegalStateException("pull after recovery returned " + w.length + " floats");
      }
    }
    Files.write(out.resolve("durability-checkpoint.csv"), csv);
  }

  private static void offHeap(long rows, String heap, Path out) throws Exception {
    List<String> csv = new ArrayList<>();
    csv.add("step,rows,bytes,seconds,gb_per_s");
    try (PsScheduler scheduler = PsScheduler.start(PsConfig.defaults())) {
      Process server = ServerJvm.launch(scheduler.host(), scheduler.port(), heap, out.resolve("offheap-server.log"));
      try {
        scheduler.awaitServers(1).get(2, TimeUnit.MINUTES);
        try (PsClient client = PsClient.connect(PsConfig.defaults(), scheduler.host(), scheduler.port())) {
          SparseTable t = client.createSparseTable(TableSpec.sparse("big", DIM).withStorage(TableSpec.Storage.OFFHEAP));
          long start = System.nanoTime();
          fill(t, rows);
          report(csv, "fill off-heap table, server -Xmx" + heap, rows, rows * DIM * 4, start);
          long size = t.size();
          float[] sample = t.pull(new long[] {key(0), key(rows / 2), key(rows - 1)});
          System.out.printf(Locale.ROOT, "rows=%,d (expected %,d), server RSS %,d MiB, sample %.1f %.1f %.1f%n", size,
              rows, ServerJvm.rssMib(server.pid()), sample[0], sample[DIM], sample[2 * DIM]);
          if (size != rows || !server.isAlive()) {
            throw new IllegalStateException("off-heap table incomplete: size=" + size + ", alive=" + server.isAlive());
          }
        }
      } finally {
        scheduler.close();
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
    Files.write(out.resolve("durability-offheap.csv"), csv);
  }

  private static void fill(SparseTable t, long rows) {
    long[] keys = new long[BATCH];
    float[] values = new float[BATCH * DIM];
    long reportEvery = Math.max(BATCH, rows / 10 / BATCH * BATCH);
    for (long from = 0; from < rows; from += BATCH) {
      int n = (int) Math.min(BATCH, rows - from);
      if (n != keys.length) {
        keys = new long[n];
        values = new float[n * DIM];
      }
      for (int i = 0; i < n; i++) {
        keys[i] = key(from + i);
      }
      java.util.Arrays.fill(values, (float) (from % 7) + 1);
      t.push(keys, values);
      if ((from + n) % reportEvery == 0) {
        System.out.printf(Locale.ROOT, "  ... %,d rows%n", from + n);
      }
    }
  }

  /** Ascending keys spread over the long range. */
  private static long key(long i) {
    return i * 1_000_003L;
  }

  private static void report(List<String> csv, String step, long rows, long bytes, long startNanos) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    double gbps = bytes / 1e9 / s;
    System.out.printf(Locale.ROOT, "%-45s %,14d rows %,16d bytes %9.2f s %8.3f GB/s (%.2f s per GB)%n", step, rows,
        bytes, s, gbps, 1 / gbps);
    csv.add(String.format(Locale.ROOT, "%s,%d,%d,%.3f,%.4f", step, rows, bytes, s, gbps));
  }

  private static long longArg(String[] args, String name, long dflt) {
    String v = stringArg(args, name, null);
    return v == null ? dflt : Long.parseLong(v.replace("_", ""));
  }

  private static String stringArg(String[] args, String name, String dflt) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        return a.substring(name.length() + 3);
      }
    }
    return dflt;
  }

  /** A scheduler, servers and a client in this JVM. */
  private static final class Deployment implements AutoCloseable {
    final PsScheduler scheduler;
    final List<PsServer> servers = new ArrayList<>();
    final PsClient client;

    Deployment(PsConfig config, int n) throws IOException, Exception {
      scheduler = PsScheduler.start(config);
      for (int i = 0; i < n; i++) {
        servers.add(PsServer.start(config, 0, scheduler.host(), scheduler.port()));
      }
      scheduler.awaitServers(n).get(1, TimeUnit.MINUTES);
      client = PsClient.connect(config, scheduler.host(), scheduler.port());
    }

    @Override
    public void close() {
      client.close();
      scheduler.close();  // first: servers closing before it would each trigger a recovery
      servers.forEach(PsServer::close);
    }
  }
}
