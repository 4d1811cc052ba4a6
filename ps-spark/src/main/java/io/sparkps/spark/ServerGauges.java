package io.sparkps.spark;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.sparkps.core.metrics.LatencySnapshot;
import io.sparkps.core.metrics.ServerMetrics;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.server.PsServer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The executor's metrics: what this JVM's parameter server did, as Dropwizard gauges under
 * {@code server.} in the plugin's registry (Spark shows them as
 * {@code <app>.<executor>.plugin.io.sparkps.spark.PsPlugin.server.<name>}; docs/monitoring.md
 * lists them). They are registered once, when the executor plugin starts, and read whichever
 * server runs in the JVM at the time: 0 before it starts, and counting from 0 again for a
 * replacement server. Thread-safe.
 */
final class ServerGauges {

  static final String PREFIX = "server.";
  private static final ServerMetrics NONE = new ServerMetrics();

  private ServerGauges() {}

  /** Registers the gauges, reading the server {@code server} returns (null: none yet). */
  static void register(MetricRegistry registry, Supplier<PsServer> server) {
    Supplier<ServerMetrics> metrics = () -> {
      PsServer s = server.get();
      return s == null ? NONE : s.metrics();
    };
    counter(registry, "pulls", metrics, ServerMetrics::pulls);
    counter(registry, "pushes", metrics, ServerMetrics::pushes);
    counter(registry, "otherRequests", metrics, ServerMetrics::otherRequests);
    counter(registry, "keysPulled", metrics, ServerMetrics::keysPulled);
    counter(registry, "keysPushed", metrics, ServerMetrics::keysPushed);
    counter(registry, "bytesPulled", metrics, ServerMetrics::bytesPulled);
    counter(registry, "bytesPushed", metrics, ServerMetrics::bytesPushed);
    counter(registry, "rowsEvicted", metrics, ServerMetrics::rowsEvicted);
    counter(registry, "keysAdmitted", metrics, ServerMetrics::keysAdmitted);
    counter(registry, "keysDeferred", metrics, ServerMetrics::keysDeferred);
    counter(registry, "errors", metrics, ServerMetrics::errors);
    for (ErrorCode code : ErrorCode.values()) {
      counter(registry, "errors." + code.name(), metrics, m -> m.errors(code));
    }
    Supplier<LatencySnapshot> latency = () -> metrics.get().latency();
    registry.register(PREFIX + "requestLatencyMicros", new BucketHistogram(latency, 1_000));
    gauge(registry, "queuedRequests", server, s -> s.queuedRequests());
    gauge(registry, "shards", server, s -> s.shardCount());
    gauge(registry, "heapBytes", server, PsServer::shardBytes);
    gauge(registry, "heapBytesLimit", server, PsServer::maxShardBytes);
    gauge(registry, "pendingBytes", server, s -> s.pendingBytes().held());
    gauge(registry, "inboundBytes", server, s -> s.inboundBytes().held());
    gauge(registry, "serverId", server, s -> s.serverId());
  }

  private static void counter(MetricRegistry registry, String name, Supplier<ServerMetrics> metrics,
      ToLongFunction<ServerMetrics> read) {
    registry.register(PREFIX + name, (Gauge<Long>) () -> read.applyAsLong(metrics.get()));
  }

  private static void gauge(MetricRegistry registry, String name, Supplier<PsServer> server,
      ToLongFunction<PsServer> read) {
    registry.register(PREFIX + name, (Gauge<Long>) () -> {
      PsServer s = server.get();
      return s == null || s.isClosed() ? 0L : read.applyAsLong(s);
    });
  }
}
