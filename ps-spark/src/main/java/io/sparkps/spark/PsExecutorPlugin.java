package io.sparkps.spark;

import io.sparkps.core.config.TlsConfig;
import java.io.IOException;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a parameter server in this executor when the driver grants a slot. A failure is logged,
 * not thrown: throwing here would kill the executor and make Spark relaunch executors without
 * end; the driver sees one server fewer instead.
 */
final class PsExecutorPlugin implements ExecutorPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(PsExecutorPlugin.class);

  private volatile String executorId;

  /**
   * Starts the server on a thread of its own: Spark calls this inside the executor's constructor,
   * and the executor takes no task until it returns. Nothing the executor runs needs this server
   * (the scheduler hands it shards once it registers), and a replacement executor joining a
   * resumed training run is then ready about half a second sooner.
   */
  @Override
  public void init(PluginContext ctx, Map<String, String> extraConf) {
    executorId = ctx.executorID();
    // Now, not when the server is up: Spark registers the plugin's metrics right after init, and
    // only if there are some. The gauges read whichever server runs in this JVM.
    ServerGauges.register(ctx.metricRegistry(), ExecutorServers::current);
    Thread starter = new Thread(() -> startServer(ctx, extraConf), "spark-ps-server-start");
    starter.setDaemon(true);
    starter.start();
  }

  private void startServer(PluginContext ctx, Map<String, String> extraConf) {
    String executorId = this.executorId;
    try {
      Object reply = ctx.ask(PluginMessages.slotRequest(executorId));
      if (PluginMessages.SLOT_REFUSED.equals(PluginMessages.kindOf(reply))) {
        LOG.info("Executor {} hosts no parameter server: {}", executorId,
            PluginMessages.expect(reply, PluginMessages.SLOT_REFUSED, 1)[1]);
        return;
      }
      PluginMessages.expect(reply, PluginMessages.SLOT_GRANTED, 1);
      // PluginContext.hostname() throws in real executors; the block manager knows the host.
      String host = "driver".equals(executorId)
          ? ctx.conf().get("spark.driver.host", "127.0.0.1")
          : SparkEnv.get().blockManager().blockManagerId().host();
      String seed = extraConf.get(PsDriverPlugin.SECRET_SEED);
      byte[] key = seed == null || seed.isEmpty() ? null : PsSparkConf.deriveKey(seed);
      TlsConfig tls = SparkTls.forExecutor(ctx.conf(), extraConf.get(PsDriverPlugin.TLS_MODE),
          extraConf.get(PsDriverPlugin.TLS_KEY), extraConf.get(PsDriverPlugin.TLS_CERTIFICATE));
      int serverId = ExecutorServers.ensureStarted(extraConf.get(PsDriverPlugin.DEPLOYMENT_ID),
          PsSparkConf.toPsConfig(ctx.conf(), host, key, tls), PsSparkConf.port(ctx.conf()),
          extraConf.get(PsDriverPlugin.SCHEDULER_HOST),
          Integer.parseInt(extraConf.get(PsDriverPlugin.SCHEDULER_PORT)),
          restartedId -> report(ctx, new ServerStarted(executorId, restartedId)));
      report(ctx, new ServerStarted(executorId, serverId));
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      LOG.error("Executor {} could not start its parameter server; the application continues with fewer "
          + "servers: {}", executorId, e.toString(), e);
    } catch (Exception e) {
      LOG.error("Executor {} could not ask the driver for a server slot: {}", executorId, e.toString(), e);
    }
  }

  /** Tells the driver which server this executor hosts, so it can declare it lost with the executor. */
  private static void report(PluginContext ctx, ServerStarted started) {
    try {
      ctx.send(PluginMessages.serverStarted(started));
    } catch (Exception e) { // declared by PluginContext.send
      LOG.warn("Executor {} could not tell the driver it hosts parameter server {}: {}", started.executorId(),
          started.serverId(), e.toString());
    }
  }

  @Override
  public void shutdown() {
    if ("driver".equals(executorId)) {
      // Local mode: Spark stops this executor before the driver plugin. The driver plugin stops
      // the server after telling the scheduler the deployment is closing; stopped here first, the
      // server would be declared lost and its shards moved while the application ends.
      return;
    }
    ClientRegistry.closeAll();
    ExecutorServers.stop();
  }
}
