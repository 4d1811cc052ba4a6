package io.sparkps.spark;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.clock.RunClock;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.metrics.SchedulerMetrics;
import io.sparkps.core.metrics.TableFootprint;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.scheduler.PsScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's metrics: the scheduler's view of servers, tables, training runs, checkpoints and
 * recoveries, as Dropwizard gauges under {@code scheduler.} in the plugin's registry (Spark shows
 * them as {@code <app>.driver.plugin.io.sparkps.spark.PsPlugin.scheduler.<name>}; docs/monitoring.md
 * lists them). Most are read live from the scheduler. A sparse table's row count needs a request to
 * its servers, so a daemon thread refreshes the table sizes every
 * {@code spark.ps.metrics.refreshInterval} and registers (and removes) the per-table and per-run
 * gauges as tables and runs come and go; a gauge never waits on the network. Thread-safe.
 */
final class SchedulerGauges implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerGauges.class);
  static final String PREFIX = "scheduler.";
  static final String TABLE_PREFIX = PREFIX + "table.";
  static final String RUN_PREFIX = PREFIX + "run.";

  private final MetricRegistry registry;
  private final PsScheduler scheduler;
  private final Supplier<PsClient> client;
  private final ScheduledExecutorService refresher;
  /** Rows per table name, as of the last refresh. */
  private final Map<String, Long> rows = new ConcurrentHashMap<>();
  /** Table and run names whose gauges are registered (touched by the refresher only). */
  private final Set<String> tablesShown = new HashSet<>();
  private final Set<String> runsShown = new HashSet<>();

  private SchedulerGauges(MetricRegistry registry, PsScheduler scheduler, Supplier<PsClient> client) {
    this.registry = registry;
    this.scheduler = scheduler;
    this.client = client;
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "spark-ps-metrics-refresh");
      t.setDaemon(true);
      return t;
    });
  }

  /** Registers the driver's gauges and starts refreshing the table sizes every {@code interval}. */
  static SchedulerGauges start(MetricRegistry registry, PsScheduler scheduler, Supplier<PsClient> client,
      Duration interval) {
    SchedulerGauges g = new SchedulerGauges(registry, scheduler, client);
    g.registerFixed();
    long every = interval.toNanos();
    g.refresher.scheduleWithFixedDelay(g::refreshQuietly, 0, every, TimeUnit.NANOSECONDS);
    return g;
  }

  private void registerFixed() {
    SchedulerMetrics m = scheduler.metrics();
    gauge("serversAlive", () -> scheduler.routing().servers().stream().filter(ServerInfo::alive).count());
    gauge("serversDead", () -> scheduler.routing().servers().stream().filter(s -> !s.alive()).count());
    gauge("serversLost", m::serversLost);
    gauge("tables", () -> scheduler.routing().tables().size());
    gauge("tableRows", () -> rows.values().stream().mapToLong(Long::longValue).sum());
    gauge("tableBytes", () -> totalBytes(spec -> true));
    // Store memory by where it lives: HEAP tables in the servers' heaps, OFFHEAP and PERSISTED outside.
    gauge("tableBytesHeap", () -> totalBytes(spec -> spec.storage() == TableSpec.Storage.HEAP));
    gauge("tableBytesOffHeap", () -> totalBytes(spec -> spec.storage() != TableSpec.Storage.HEAP));
    gauge("runs", () -> scheduler.allRunStats().size());
    gauge("runsActive", () -> scheduler.allRunStats().stream().filter(s -> s.state() == RunClock.State.RUNNING)
        .count());
    gauge("checkpoints", m::checkpoints);
    gauge("checkpointsFailed", m::checkpointsFailed);
    gauge("lastCheckpointMs", () -> m.lastCheckpointNanos() / 1_000_000);
    gauge("lastCheckpointAgeSeconds", () -> m.lastCheckpointWallMillis() == 0 ? -1
        : Math.max(0, scheduler.ticker().wallMillis() - m.lastCheckpointWallMillis()) / 1000);
    gauge("recoveries", m::recoveries);
    gauge("shardsRecovered", m::shardsRecovered);
    gauge("shardMovesFailed", m::shardMovesFailed);
    gauge("lastRecoveryMs", () -> m.lastRecoveryNanos() / 1_000_000);
    registry.register(PREFIX + "recoveryMs", new BucketHistogram(m::recoveryDurations, 1_000_000));
  }

  private long totalBytes(java.util.function.Predicate<TableSpec> which) {
    long total = 0;
    for (TableRoute t : scheduler.routing().tables()) {
      Long n = rows.get(t.spec().name());
      if (n != null && which.test(t.spec())) {
        total += TableFootprint.bytes(t.spec(), n);
      }
    }
    return total;
  }

  private void gauge(String name, Supplier<Number> read) {
    registry.register(PREFIX + name, (Gauge<Long>) () -> read.get().longValue());
  }

  /**
   * Brings the table sizes and the per-table and per-run gauges up to date; completes when every
   * table's size has been asked (a table whose servers do not answer keeps its last size).
   */
  synchronized CompletableFuture<Void> refresh() {
    List<TableRoute> tables = scheduler.routing().tables();
    Set<String> names = new HashSet<>();
    List<CompletableFuture<?>> asked = new ArrayList<>();
    PsClient c = tables.stream().anyMatch(t -> !t.spec().isDense()) ? client.get() : null;
    for (TableRoute t : tables) {
      TableSpec spec = t.spec();
      String name = spec.name();
      names.add(name);
      if (spec.isDense()) {
        rows.put(name, spec.rows());
      } else {
        asked.add(c.sparseTable(name).sizeAsync().thenAccept(n -> rows.put(name, n)));
      }
      if (tablesShown.add(name)) {
        tableGauge(name, "rows", (route, r) -> r);
        tableGauge(name, "bytes", (route, r) -> TableFootprint.bytes(route.spec(), r));
        tableGauge(name, "shards", (route, r) -> route.numShards());
      }
    }
    for (String gone : new ArrayList<>(tablesShown)) {
      if (!names.contains(gone)) {
        tablesShown.remove(gone);
        rows.remove(gone);
        registry.removeMatching((n, metric) -> n.startsWith(TABLE_PREFIX + gone + "."));
      }
    }
    for (RunStats run : scheduler.allRunStats()) {
      if (runsShown.add(run.run())) {
        String name = run.run();
        runGauge(name, "minClock", RunStats::minClock);
        runGauge(name, "maxClock", s -> java.util.Arrays.stream(s.clocks()).max().orElse(0));
        runGauge(name, "maxSkew", RunStats::maxSkew);
        runGauge(name, "blockedMs", s -> java.util.Arrays.stream(s.blockedNanos()).sum() / 1_000_000);
        runGauge(name, "workers", s -> s.clocks().length);
        runGauge(name, "active", s -> s.state() == RunClock.State.RUNNING ? 1 : 0);
      }
    }
    return CompletableFuture.allOf(asked.toArray(new CompletableFuture<?>[0]));
  }

  /** A gauge of table {@code table}'s current route and last known rows (0 once it is dropped). */
  private void tableGauge(String table, String name, java.util.function.ToLongBiFunction<TableRoute, Long> read) {
    registry.register(TABLE_PREFIX + table + "." + name, (Gauge<Long>) () -> {
      Long n = rows.get(table);
      Optional<TableRoute> route = scheduler.routing().table(table);
      return n == null || route.isEmpty() ? 0L : read.applyAsLong(route.get(), n);
    });
  }

  private void runGauge(String run, String name, ToLongFunction<RunStats> read) {
    registry.register(RUN_PREFIX + run + "." + name, (Gauge<Long>) () -> {
      Optional<RunStats> s = scheduler.runStats(run);
      return s.isEmpty() ? 0L : read.applyAsLong(s.get());
    });
  }

  /** A failed refresh is logged and retried at the next interval: metrics must never break the application. */
  private void refreshQuietly() {
    try {
      refresh().whenComplete((v, err) -> {
        if (err != null) {
          LOG.debug("spark-ps metrics: a table size could not be read; its last value stays", err);
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("spark-ps metrics refresh failed (retried in the next interval): {}", e.toString());
      LOG.debug("spark-ps metrics refresh failure", e);
    }
  }

  /** Stops refreshing; the registered gauges stay (Spark drops the registry with the application). */
  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
