package io.sparkps.spark;

import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.scheduler.PsScheduler;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver side of one application's parameter server: the scheduler and the endpoint that
 * handles and executors use to reach it. One per driver JVM, started by the driver plugin or by
 * {@code PsContext.getOrCreate}. Thread-safe.
 */
final class DriverRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(DriverRuntime.class);
  private static DriverRuntime current;

  final PsScheduler scheduler;
  final PsEndpoint endpoint;
  /** The secret executors derive their key from, shipped to them by the plugin or launch job. */
  final String secretSeed;
  /** Data-plane TLS: the driver's decision and the material executors get (see SparkTls). */
  final SparkTls tls;
  /** What a server started in this JVM uses (local mode): the endpoint's config plus the TLS identity. */
  final PsConfig serverConfig;
  final boolean startedByPlugin;
  /** Which server each executor hosts; declares it lost when Spark removes the executor. */
  final ExecutorLossListener executorLoss;
  /** Which executors host a server (the plugin grants them); freed when Spark removes one. */
  final ServerSlots serverSlots;
  /** The driver's metrics when the plugin registered them (null without the plugin); for tests. */
  volatile SchedulerGauges gauges;
  /** The application this belongs to (its id is not known yet when plugins start). */
  private final SparkContext sc;

  private DriverRuntime(SparkContext sc, PsScheduler scheduler, PsEndpoint endpoint, String secretSeed,
      SparkTls tls, PsConfig serverConfig, boolean byPlugin, ServerSlots slots) {
    this.sc = sc;
    this.serverSlots = slots;
    this.executorLoss = new ExecutorLossListener(scheduler, slots);
    this.scheduler = scheduler;
    this.endpoint = endpoint;
    this.secretSeed = secretSeed;
    this.tls = tls;
    this.serverConfig = serverConfig;
    this.startedByPlugin = byPlugin;
  }

  /** The running runtime of {@code sc}'s application, or null. */
  static synchronized DriverRuntime get(SparkContext sc) {
    return current != null && current.sc == sc ? current : null;
  }

  /** Starts the scheduler for this application (idempotent per application). */
  static synchronized DriverRuntime start(SparkContext sc, boolean byPlugin) throws IOException {
    if (current != null && current.sc == sc) {
      return current;
    }
    if (current != null) {
      // A previous SparkContext in this JVM ended without telling us.
      stop(current.endpoint.deploymentId());
    }
    // Plugins start before Spark assigns the application id: name the deployment ourselves.
    String deploymentId = "ps-" + java.util.UUID.randomUUID();
    SparkConf conf = sc.getConf();
    ServerSlots slots = new ServerSlots(conf.getInt(PsSparkConf.SERVERS, 0));  // validates before anything starts
    String host = conf.get("spark.driver.host", "127.0.0.1");
    String seed = secretSeed(conf);
    SparkTls tls;
    try {
      tls = SparkTls.forDriver(conf, deploymentId);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("spark-ps could not set up TLS for the data plane: " + e.getMessage(), e);
    }
    AuthKeys keys = seed == null ? null : PsSparkConf.linkKeys(seed);
    PsConfig config = PsSparkConf.toPsConfigWithKeys(conf, host, keys, tls.tls);
    // Handles carry the endpoint into task closures: its config holds only the worker key (it
    // cannot register a server) and the trusted certificate only.
    PsConfig clientConfig = PsSparkConf.toPsConfigWithKeys(conf, host, keys == null ? null : keys.only(PsRole.WORKER),
        tls.tls == null ? null : tls.tls.forClients());
    PsScheduler scheduler = PsScheduler.start(config);
    Checkpoints.configure(sc, scheduler);
    current = new DriverRuntime(sc, scheduler,
        new PsEndpoint(deploymentId, scheduler.host(), scheduler.port(), clientConfig), seed, tls, config, byPlugin,
        slots);
    sc.addSparkListener(current.executorLoss);
    LOG.info("spark-ps scheduler ({}) listening on {}:{} (data-plane auth {}, TLS {})", deploymentId,
        scheduler.host(), scheduler.port(), seed == null ? "off" : "on", tls.mode);
    return current;
  }

  /**
   * Spark's own application secret when spark.authenticate is on; otherwise a fresh random token
   * (handed to executors through the plugin or the launch job); null when spark.ps.authenticate=off.
   */
  private static String secretSeed(SparkConf conf) {
    if (!PsSparkConf.authEnabled(conf)) {
      return null;
    }
    if (conf.getBoolean("spark.authenticate", false) && SparkEnv.get() != null) {
      return SparkEnv.get().securityManager().getSecretKey();
    }
    byte[] token = new byte[32];
    new SecureRandom().nextBytes(token);
    return Base64.getEncoder().encodeToString(token);
  }

  /** Stops the scheduler and this JVM's server and clients of the deployment. */
  static synchronized void stop(String deploymentId) {
    if (current == null || !current.endpoint.deploymentId().equals(deploymentId)) {
      return;
    }
    // Servers stop before the scheduler here (and in executors whenever they like): they are
    // leaving, not lost, so nothing is moved or reported as a failure.
    if (current.gauges != null) {
      current.gauges.close();  // its refresh would ask a stopped client for table sizes
    }
    current.scheduler.beginClose();
    ClientRegistry.stop(deploymentId);
    ExecutorServers.stop();
    current.scheduler.close();
    current = null;
    LOG.info("spark-ps {} stopped", deploymentId);
  }
}
