package io.sparkps.spark;

import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.metrics.SchedulerMetrics;
import io.sparkps.core.metrics.TableFootprint;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.scheduler.PsScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The text of {@link PsContext#status()}: servers, tables with rows and bytes, runs with their
 * clocks, the last checkpoint and recoveries, a line each. Asks each sparse table's servers for its
 * row count (a table whose servers do not answer within {@code timeout} shows {@code rows=?}).
 * Stateless.
 */
final class StatusReport {

  private StatusReport() {}

  static String format(String deploymentId, PsScheduler scheduler, PsClient client, Duration timeout) {
    StringBuilder b = new StringBuilder();
    RoutingTable routing = scheduler.routing();
    SchedulerMetrics m = scheduler.metrics();
    List<ServerInfo> servers = routing.servers();
    long alive = servers.stream().filter(ServerInfo::alive).count();
    b.append("spark-ps ").append(deploymentId).append(", scheduler at ").append(scheduler.host()).append(':')
        .append(scheduler.port()).append('\n');
    b.append("servers: ").append(alive).append(" alive, ").append(servers.size() - alive).append(" dead, ")
        .append(m.serversLost()).append(" lost since start\n");
    for (ServerInfo s : servers) {
      b.append("  server ").append(s.id()).append(" at ").append(s.address()).append(s.alive() ? "" : " (dead)")
          .append('\n');
    }
    b.append("tables: ").append(routing.tables().size()).append('\n');
    for (TableRoute t : routing.tables()) {
      TableSpec spec = t.spec();
      b.append("  ").append(spec.name()).append(": ").append(spec.isDense() ? "dense " + spec.rows() + " x "
          + spec.dim() : "sparse, dim " + spec.dim()).append(", ").append(spec.updater()).append(", ")
          .append(t.numShards()).append(" shards, ");
      try {
        long rows = rows(client, spec, timeout);
        b.append(rows).append(" rows, ").append(bytes(TableFootprint.bytes(spec, rows))).append('\n');
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // A report is for reading: one table that cannot answer says why instead of failing the rest.
        b.append("rows=? (").append(e instanceof java.util.concurrent.TimeoutException ? "no answer within "
            + timeout.toMillis() + " ms" : String.valueOf(e.getCause())).append(")\n");
      }
    }
    List<RunStats> runs = scheduler.allRunStats();
    long active = runs.stream().filter(r -> r.state() == RunClock.State.RUNNING).count();
    b.append("runs: ").append(runs.size()).append(" (").append(active).append(" active)\n");
    for (RunStats r : runs) {
      b.append("  ").append(r.summary()).append('\n');
    }
    Optional<Manifest> last = scheduler.latestCheckpoint();
    b.append("checkpoints: ").append(m.checkpoints()).append(" taken, ").append(m.checkpointsFailed())
        .append(" failed");
    if (m.lastCheckpointWallMillis() != 0) {
      long ageMs = Math.max(0, scheduler.ticker().wallMillis() - m.lastCheckpointWallMillis());
      b.append("; last took ").append(m.lastCheckpointNanos() / 1_000_000).append(" ms, ")
          .append(ageMs / 1000).append(" s ago");
    }
    last.ifPresent(c -> b.append("; latest usable: id ").append(c.id()).append(", ").append(c.tables().size())
        .append(" tables, ").append(bytes(c.bytes())));
    b.append('\n');
    b.append("recoveries: ").append(m.recoveries());
    if (m.recoveries() > 0) {
      b.append(" (").append(m.shardsRecovered()).append(" shards moved, ").append(m.shardMovesFailed())
          .append(" moves failed and retried; last took ").append(m.lastRecoveryNanos() / 1_000_000).append(" ms)");
    }
    return b.append('\n').toString();
  }

  private static long rows(PsClient client, TableSpec spec, Duration timeout)
      throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
    if (spec.isDense()) {
      return spec.rows();
    }
    try {
      return client.sparseTable(spec.name()).sizeAsync().get(timeout.toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.sparkps.core.transport.PsInterruptedException("interrupted while asking table " + spec.name()
          + "'s size for the status report (the interrupt flag is set again)", e);
    }
  }

  /** 1536 -> "1.5 KiB". */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u + 1 < units.length) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
