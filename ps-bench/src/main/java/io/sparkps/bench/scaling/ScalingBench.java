package io.sparkps.bench.scaling;

import io.sparkps.bench.ChildJvm;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scaling run of {@code docs/scaling.md}: for each server count S and worker count W, a
 * scheduler in this JVM, S {@link ScalingServer}s and W {@link ScalingWorker}s on loopback, a warm-up,
 * then one epoch per consistency model, metered from the driver (wall time between barriers, CPU
 * and bytes of every process). Writes {@code scaling.csv}, {@code scaling-model.md} and {@code
 * scaling.png} to {@code --out}; each child's output goes to {@code --logs}.
 *
 * <p>Run: {@code scripts/bench scaling [--servers=1,2,4 --workers=2,4 ...]} (see {@link
 * ScalingOptions#USAGE}).
 */
public final class ScalingBench {

  /** The sparse-LR weights: one float per feature, AdaGrad on the servers. */
  static final String TABLE = "scaling-w";

  private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(5);

  private ScalingBench() {}

  /** Clients of the driver and workers: barriers wait through warm-up and epochs, longer than the default. */
  static PsConfig clientConfig() {
    return PsConfig.builder().requestTimeout(CHILD_TIMEOUT).clockTimeout(CHILD_TIMEOUT).build();
  }

  public static void main(String[] args) throws Exception {
    ScalingOptions o = ScalingOptions.parse(args);
    Files.createDirectories(o.out());
    System.out.printf("scaling: %d cores shared by every JVM; rows %d, batch %d, D %d, modes %s%n",
        Runtime.getRuntime().availableProcessors(), o.rows(), o.batch(), o.d(), o.modes());
    List<ScalingPoint> points = new ArrayList<>();
    for (int s : o.servers()) {
      for (int w : o.workers()) {
        for (int l : o.lanes()) {
          for (ScalingPoint p : runConfiguration(o, s, w, l)) {
            print(p);
            points.add(p);
          }
          ScalingPoint.write(o.out().resolve("scaling.csv"), points); // partial results survive a later failure
        }
      }
    }
    ScalingModel model = ScalingModel.fit(points);
    Files.writeString(o.out().resolve("scaling-model.md"), model.report(points));
    System.out.println(model.report(points));
    System.out.println("wrote " + ScalingPlot.write(points, o.out()));
  }

  private static void print(ScalingPoint p) {
    System.out.printf("S=%d W=%d L=%d %-5s epoch %6.2f s  %7.1f batches/s  n=%6.0f keys  %5.1f frames"
            + "  pull %6.2f  compute %5.2f  push %6.2f  clock %6.2f ms  cpu srv %5.2f wrk %5.2f sched %5.2f s"
            + "  imbalance %.2f%n", p.servers(), p.workers(), p.lanes(), p.mode(), p.epochSeconds(),
        p.batchesPerSecond(), p.keysPerBatch(), p.framesPerBatch(), p.pullMs(), p.computeMs(), p.pushMs(),
        p.clockMs(), p.serverCpu(), p.workerCpu(), p.schedulerCpu(), p.keyImbalance());
  }

  private static List<ScalingPoint> runConfiguration(ScalingOptions o, int s, int w, int l) throws Exception {
    Path logs = o.logs();
    String name = "s" + s + "w" + w + "l" + l;
    Map<Integer, Process> servers = new TreeMap<>();
    List<Process> workers = new ArrayList<>();
    // The scheduler decides shards per server (its shardThreads) when it creates the table.
    try (PsScheduler scheduler = PsScheduler.start(PsConfig.builder().shardThreads(l).build())) {
      // One at a time, so the id the scheduler gives each server is known: CPU per server id.
      for (int i = 0; i < s; i++) {
        Process p = ChildJvm.launch(ScalingServer.class, "1g", logs.resolve(name + "-server" + i + ".log"),
            List.of(scheduler.host(), Integer.toString(scheduler.port()), Integer.toString(l)));
        List<ServerInfo> up = scheduler.awaitServers(i + 1).get(2, TimeUnit.MINUTES).servers();
        up.stream().map(ServerInfo::id).filter(id -> !servers.containsKey(id)).forEach(id -> servers.put(id, p));
      }
      try (PsClient client = PsClient.connect(clientConfig(), scheduler.host(), scheduler.port())) {
        client.createSparseTable(TableSpec.sparse(TABLE, 1).withUpdater(UpdaterSpec.adagrad(0.1)));
        for (int i = 0; i < w; i++) {
          List<String> args = o.epochArgs();
          args.addAll(new ScalingOptions.WorkerArgs(scheduler.host(), scheduler.port(), i, w).toArgs());
          workers.add(ChildJvm.launch(ScalingWorker.class, "768m",
              logs.resolve(name + "-worker" + i + ".log"), args));
        }
        List<Meter> meters = new ArrayList<>();
        for (String mode : o.modes()) {
          await(client.barrierAsync("ready-" + mode, w + 1), workers);
          Meter m = Meter.start(servers, workers);
          await(client.barrierAsync("done-" + mode, w + 1), workers);
          meters.add(m.stop());
        }
        for (int i = 0; i < w; i++) {
          if (!workers.get(i).waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || workers.get(i).exitValue() != 0) {
            throw new IllegalStateException("worker " + i + " failed: see " + logs.resolve(name + "-worker" + i + ".log"));
          }
        }
        return points(o, s, w, l, meters, readResults(logs, name, w));
      }
    } finally {
      // Servers stop when the scheduler closes; anything left after the timeout is killed.
      for (Process p : concat(workers, servers.values())) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  /** Waits for a barrier, failing fast when a worker JVM exits before it. */
  private static void await(CompletableFuture<Void> barrier, List<Process> workers) throws Exception {
    List<CompletableFuture<?>> any = new ArrayList<>(List.of(barrier));
    workers.forEach(p -> any.add(p.onExit()));
    CompletableFuture.anyOf(any.toArray(new CompletableFuture<?>[0])).get(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!barrier.isDone()) {
      throw new IllegalStateException("a worker JVM exited before the barrier: exit values "
          + workers.stream().filter(p -> !p.isAlive()).map(Process::exitValue).toList() + " (see its log)");
    }
    barrier.join();
  }

  private static List<WorkerResult> readResults(Path logs, String name, int w) throws Exception {
    List<WorkerResult> results = new ArrayList<>();
    for (int i = 0; i < w; i++) {
      for (String line : Files.readAllLines(logs.resolve(name + "-worker" + i + ".log"))) {
        if (line.startsWith(WorkerResult.PREFIX)) {
          results.add(WorkerResult.parse(line));
        }
      }
    }
    return results;
  }

  private static List<ScalingPoint> points(ScalingOptions o, int s, int w, int l, List<Meter> meters,
      List<WorkerResult> results) {
    List<ScalingPoint> points = new ArrayList<>();
    for (int mi = 0; mi < o.modes().size(); mi++) {
      String mode = o.modes().get(mi);
      List<WorkerResult> rs = results.stream().filter(r -> r.mode().equals(mode)).toList();
      if (rs.size() != w) {
        throw new IllegalStateException("mode " + mode + ": results from " + rs.size() + " workers, expected " + w);
      }
      long batches = rs.stream().mapToLong(WorkerResult::batches).sum();
      long[] serverKeys = new long[s];
      rs.forEach(r -> {
        for (int i = 0; i < s; i++) {
          serverKeys[i] += r.serverKeys()[i];
        }
      });
      Meter m = meters.get(mi);
      points.add(new ScalingPoint(s, w, mode, o.batch(), o.d(), (int) batches, m.wallSeconds(),
          sum(rs, WorkerResult::keys) / (double) batches, sum(rs, WorkerResult::frames) / (double) batches,
          ms(rs, WorkerResult::pullNanos, batches), ms(rs, WorkerResult::computeNanos, batches),
          ms(rs, WorkerResult::pushNanos, batches), ms(rs, WorkerResult::clockNanos, batches),
          m.serverCpuTotal(), m.workerCpu(), m.driverCpu(), m.loopbackBytes(), serverKeys, m.serverCpu(), l));
    }
    return points;
  }

  private static long sum(List<WorkerResult> rs, java.util.function.ToLongFunction<WorkerResult> f) {
    return rs.stream().mapToLong(f).sum();
  }

  private static double ms(List<WorkerResult> rs, java.util.function.ToLongFunction<WorkerResult> f, long batches) {
    return sum(rs, f) / 1e6 / batches;
  }

  private static List<Process> concat(List<Process> a, java.util.Collection<Process> b) {
    List<Process> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
