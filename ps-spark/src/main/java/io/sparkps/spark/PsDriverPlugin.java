package io.sparkps.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the scheduler in the driver, hands executors its address and the data-plane secret, and
 * grants server slots (at most {@code spark.ps.servers}). Called by Spark on the driver.
 */
final class PsDriverPlugin implements DriverPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(PsDriverPlugin.class);

  static final String SCHEDULER_HOST = "schedulerHost";
  static final String SCHEDULER_PORT = "schedulerPort";
  static final String DEPLOYMENT_ID = "deploymentId";
  static final String SECRET_SEED = "secretSeed";
  /** The TLS decision and material ({@link SparkTls#toStrings()}): mode, private key, certificate. */
  static final String TLS_MODE = "tlsMode";
  static final String TLS_KEY = "tlsKey";
  static final String TLS_CERTIFICATE = "tlsCertificate";

  private String deploymentId;
  private DriverRuntime runtime;
  private SchedulerGauges gauges;

  @Override
  public Map<String, String> init(SparkContext sc, PluginContext pluginContext) {
    DriverRuntime rt;
    try {
      rt = DriverRuntime.start(sc, true);
    } catch (IOException e) {
      throw new UncheckedIOException("spark-ps could not start its scheduler on the driver: " + e.getMessage(), e);
    }
    deploymentId = rt.endpoint.deploymentId();
    runtime = rt;
    String[] tls = rt.tls.toStrings();
    return Map.of(SCHEDULER_HOST, rt.endpoint.schedulerHost(),
        SCHEDULER_PORT, Integer.toString(rt.endpoint.schedulerPort()),
        DEPLOYMENT_ID, deploymentId,
        SECRET_SEED, rt.secretSeed == null ? "" : rt.secretSeed,
        TLS_MODE, tls[0], TLS_KEY, tls[1], TLS_CERTIFICATE, tls[2]);
  }

  /** Messages of {@link PluginMessages} (JDK types only: see there why). */
  @Override
  public Object receive(Object message) {
    String kind = PluginMessages.kindOf(message);
    if (PluginMessages.SLOT_REQUEST.equals(kind)) {
      String executorId = PluginMessages.expect(message, PluginMessages.SLOT_REQUEST, 1)[1];
      String refused = runtime.serverSlots.grant(executorId);
      if (refused == null) {
        LOG.info("Executor {} will host a parameter server", executorId);
        return PluginMessages.slotGranted();
      }
      return PluginMessages.slotRefused(refused);
    }
    if (PluginMessages.SERVER_STARTED.equals(kind)) {
      ServerStarted s = PluginMessages.decodeServerStarted(message);
      runtime.executorLoss.serverStarted(s.executorId(), s.serverId());
      return null;  // sent one way
    }
    throw new IllegalArgumentException("spark-ps driver plugin got an unknown message: "
        + PluginMessages.describe(message) + " (driver and executors must run the same spark-ps jar)");
  }

  /**
   * Registers the scheduler's metrics in the plugin's registry, which Spark hands to every
   * configured sink once this returns (it skips an empty registry, so they must be here by then).
   */
  @Override
  public void registerMetrics(String appId, PluginContext pluginContext) {
    long refreshMs = pluginContext.conf().getTimeAsMs(PsSparkConf.METRICS_REFRESH_INTERVAL, "10s");
    if (refreshMs <= 0) {
      throw new IllegalArgumentException(PsSparkConf.METRICS_REFRESH_INTERVAL + " must be positive: "
          + PsSparkConf.METRICS_REFRESH_INTERVAL + "=" + refreshMs + "ms");
    }
    DriverRuntime rt = runtime;
    gauges = SchedulerGauges.start(pluginContext.metricRegistry(), rt.scheduler,
        () -> ClientRegistry.client(rt.endpoint), java.time.Duration.ofMillis(refreshMs));
    rt.gauges = gauges;
  }

  @Override
  public void shutdown() {
    if (gauges != null) {
      gauges.close();
    }
    if (deploymentId != null) {
      DriverRuntime.stop(deploymentId);
    }
  }
}
