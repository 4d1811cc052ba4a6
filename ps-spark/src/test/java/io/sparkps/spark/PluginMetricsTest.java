package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.protocol.ErrorCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's metrics reach Spark's metrics system: after a short training run the driver's
 * {@code /metrics/json} servlet (and the Prometheus servlet) on the UI port show the scheduler's
 * and the server's metrics that docs/monitoring.md lists, with the values the run produced.
 * local[2]: the executor plugin runs in the driver JVM, so the server's metrics are there too.
 */
class PluginMetricsTest {

  private static final int CLOCKS = 5;
  private static final int KEYS_PER_WORKER = 5;
  @TempDir
  static Path checkpoints;
  private static SparkSession spark;
  private static PsContext ps;

  @BeforeAll
  static void start() {
    spark = LocalSpark.builder("local[2]", true)
        .config("spark.ui.enabled", "true")
        .config("spark.ui.port", "0")
        .config("spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet")
        .config("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus")
        // The test refreshes the table sizes itself (no waiting for the interval).
        .config(PsSparkConf.METRICS_REFRESH_INTERVAL, "1h")
        .config(PsSparkConf.CHECKPOINT_DIR, checkpoints.toUri().toString())
        .getOrCreate();
    ps = PsContext.getOrCreate(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void driverAndServerMetricsAppearInTheMetricsServletWithTheRunsValues() throws Exception {
    SparseTableHandle w = ps.sparseTable(TableSpec.sparse("metrics.w", 2));
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(i);
    }
    RunStats stats = ps.train(ps.sparkContext().parallelize(rows, 2), "metrics-run", Consistency.bsp(),
        (worker, it) -> {
          long[] keys = new long[KEYS_PER_WORKER];
          for (int k = 0; k < keys.length; k++) {
            keys[k] = worker.id() * 100L + k;
          }
          for (long c = worker.currentClock(); c < CLOCKS; c++) {
            w.pull(keys);
            worker.push(w, keys, new float[2 * KEYS_PER_WORKER]);
            worker.clock();
          }
        });
    assertEquals(CLOCKS, stats.minClock());
    ps.checkpoint();
    DriverRuntime.get(spark.sparkContext()).gauges.refresh().get(60, TimeUnit.SECONDS);

    String prefix = spark.sparkContext().applicationId() + ".driver.plugin." + PsPlugin.class.getName() + ".";
    // local[N]'s executor registers its metrics before Spark has an application id, and Spark then
    // names them by the source alone (as docs/monitoring.md says); real executors get both prefixes.
    String local = "plugin." + PsPlugin.class.getName() + ".";
    JsonNode json = new ObjectMapper().readTree(get("/metrics/json"));
    JsonNode gauges = json.get("gauges");
    long rowsWritten = 2L * KEYS_PER_WORKER;
    assertEquals(1, value(gauges, prefix + "scheduler.serversAlive"));
    assertEquals(0, value(gauges, prefix + "scheduler.serversLost"));
    assertEquals(1, value(gauges, prefix + "scheduler.tables"));
    assertEquals(rowsWritten, value(gauges, prefix + "scheduler.table.metrics.w.rows"));
    assertEquals(rowsWritten * (2 * 4 + 8), value(gauges, prefix + "scheduler.table.metrics.w.bytes"),
        "two floats and a version per row");
    assertEquals(rowsWritten, value(gauges, prefix + "scheduler.tableRows"));
    assertEquals(rowsWritten * (2 * 4 + 8), value(gauges, prefix + "scheduler.tableBytesHeap"), "a HEAP table");
    assertEquals(0, value(gauges, prefix + "scheduler.tableBytesOffHeap"));
    assertEquals(1, value(gauges, prefix + "scheduler.runs"));
    assertEquals(0, value(gauges, prefix + "scheduler.runsActive"));
    assertEquals(CLOCKS, value(gauges, prefix + "scheduler.run.metrics-run.minClock"));
    assertEquals(CLOCKS, value(gauges, prefix + "scheduler.run.metrics-run.maxClock"));
    assertEquals(2, value(gauges, prefix + "scheduler.run.metrics-run.workers"));
    assertEquals(0, value(gauges, prefix + "scheduler.run.metrics-run.active"));
    assertTrue(value(gauges, prefix + "scheduler.run.metrics-run.blockedMs") >= 0);
    long taken = value(gauges, prefix + "scheduler.checkpoints");
    assertTrue(taken >= 1, "ps.checkpoint(), and the automatic ones at the run's clock boundaries");
    assertEquals(0, value(gauges, prefix + "scheduler.checkpointsFailed"));
    assertTrue(value(gauges, prefix + "scheduler.lastCheckpointAgeSeconds") >= 0, "a checkpoint was taken");
    assertEquals(0, value(gauges, prefix + "scheduler.recoveries"));

    // A push or pull is a request per shard it touches: at least one each per clock and worker.
    long pushes = 2L * CLOCKS;
    assertTrue(value(gauges, local + "server.pushes") >= pushes, gauges::toString);
    assertEquals(pushes * KEYS_PER_WORKER, value(gauges, local + "server.keysPushed"));
    assertEquals(pushes * KEYS_PER_WORKER * 2 * 4, value(gauges, local + "server.bytesPushed"));
    assertTrue(value(gauges, local + "server.pulls") >= pushes, "a pull is a request per shard it touches");
    assertEquals(pushes * KEYS_PER_WORKER, value(gauges, local + "server.keysPulled"));
    assertEquals(0, value(gauges, local + "server.errors"));
    assertEquals(0, value(gauges, local + "server.rowsEvicted"), "the table has no expiry");
    assertEquals(0, value(gauges, local + "server.keysAdmitted"), "nor admission");
    assertEquals(0, value(gauges, local + "server.keysDeferred"));
    assertEquals(0, value(gauges, local + "server.errors." + ErrorCode.WRONG_OWNER));
    assertEquals(0, value(gauges, local + "server.queuedRequests"));
    assertTrue(value(gauges, local + "server.shards") > 0);
    assertEquals(ps.routing().servers().get(0).id(), value(gauges, local + "server.serverId"));
    JsonNode latency = json.get("histograms").get(local + "server.requestLatencyMicros");
    assertTrue(latency != null && latency.get("count").asLong() >= 2 * pushes, String.valueOf(latency));
    assertTrue(latency.get("p99").asDouble() >= latency.get("p50").asDouble() && latency.get("p50").asDouble() > 0,
        latency::toString);

    String prometheus = get("/metrics/prometheus");
    assertTrue(prometheus.contains("_driver_plugin_io_sparkps_spark_PsPlugin_scheduler_serversAlive_Value")
        && prometheus.contains("metrics_plugin_io_sparkps_spark_PsPlugin_server_keysPushed_Value"), prometheus);

    String status = ps.status();
    assertTrue(status.contains("servers: 1 alive, 0 dead, 0 lost since start"), status);
    assertTrue(status.contains("metrics.w: sparse, dim 2") && status.contains(rowsWritten + " rows, 160 B"), status);
    assertTrue(status.contains("metrics-run: FINISHED, BSP, 2 workers at clock 5..5"), status);
    assertTrue(status.contains("checkpoints: " + taken + " taken, 0 failed"), status);
  }

  private static long value(JsonNode gauges, String name) {
    JsonNode g = gauges.get(name);
    assertTrue(g != null, () -> name + " is not among " + gauges.properties().stream().map(e -> e.getKey())
        .filter(n -> n.contains("PsPlugin")).toList());
    return g.get("value").asLong();
  }

  private static String get(String path) throws Exception {
    // The UI binds to spark.driver.bindAddress (loopback); its advertised URL may name the host instead.
    String ui = "http://127.0.0.1:" + URI.create(spark.sparkContext().uiWebUrl().get()).getPort();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
        .followRedirects(HttpClient.Redirect.NORMAL).build();  // /metrics/json redirects to /metrics/json/
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ui + path)).timeout(Duration.ofSeconds(60))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }
}
