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

  private String deploymentId;
  private DriverRuntime runtime;
  private int maxServers;
  private int granted;

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
    maxServers = sc.getConf().getInt(PsSparkConf.SERVERS, 0);
    if (maxServers < 0) {
      throw new IllegalArgumentException("server count out of range: " + PsSparkConf.SERVERS + "=" + maxServers
          + " (0 = every executor, or a positive number)");
    }
    return Map.of(SCHEDULER_HOST, rt.endpoint.schedulerHost(),
        SCHEDULER_PORT, Integer.toString(rt.endpoint.schedulerPort()),
        DEPLOYMENT_ID, deploymentId,
        SECRET_SEED, rt.secretSeed == null ? "" : rt.secretSeed);
  }

  @Override
  public synchronized Object receive(Object message) {
    if (message instanceof ServerSlotRequest r) {
      if (maxServers == 0 || granted < maxServers) {
        granted++;
        LOG.info("Executor {} will host parameter server #{}", r.executorId(), granted);
        return new ServerSlotReply(true, "");
      }
      return new ServerSlotReply(false, PsSparkConf.SERVERS + "=" + maxServers + " servers already running");
    }
    if (message instanceof ServerStarted s) {
      runtime.executorLoss.serverStarted(s.executorId(), s.serverId());
      return null;  // sent one way
    }
    throw new IllegalArgumentException("spark-ps driver plugin got an unknown message: " + message);
  }

  @Override
  public void shutdown() {
    if (deploymentId != null) {
      DriverRuntime.stop(deploymentId);
    }
  }
}
