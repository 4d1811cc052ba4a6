package io.sparkps.spark;

import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.TlsConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts parameter servers when the plugin is not configured: in the driver JVM for local mode,
 * otherwise with a short job whose tasks start one server per executor JVM (idempotent, so a JVM
 * that runs two of the tasks still hosts one server). Stateless.
 */
final class ServerLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(ServerLauncher.class);
  private static final int ROUNDS = 3;

  private ServerLauncher() {}

  static boolean isLocal(SparkContext sc) {
    return sc.master().startsWith("local") && !sc.master().startsWith("local-cluster");
  }

  /** Servers the application should have now: 1 in local mode, else one per executor (capped). */
  static int expectedServers(SparkContext sc) {
    if (isLocal(sc)) {
      return 1;
    }
    int executors = Math.max(1, TaskSlots.executors(sc));
    int cap = sc.getConf().getInt(PsSparkConf.SERVERS, 0);
    return cap > 0 ? Math.min(cap, executors) : executors;
  }

  static void launch(SparkContext sc, DriverRuntime rt) throws Exception {
    PsEndpoint ep = rt.endpoint;
    int port = PsSparkConf.port(sc.getConf());
    // Servers hold the server and worker link keys; the endpoint (task closures) only the worker's.
    AuthKeys keys = rt.secretSeed == null ? null
        : PsSparkConf.linkKeys(rt.secretSeed).only(PsRole.SERVER, PsRole.WORKER);
    if (isLocal(sc)) {
      ExecutorServers.ensureStarted(ep.deploymentId(), rt.serverConfig, port, ep.schedulerHost(), ep.schedulerPort(),
          restarted -> { });
      return;
    }
    // Like the keys, the TLS material travels in the closure (Strings): no plugin to hand it over.
    String[] tls = rt.tls.toStrings();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    for (int round = 0; round < ROUNDS; round++) {
      int tasks = Math.max(1, TaskSlots.available(sc));
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        ids.add(i);
      }
      sc.setJobDescription("spark-ps: start parameter servers");
      try {
        startServers(jsc, ids, tasks, ep, keys, tls, port)
            .forEach(started -> rt.executorLoss.serverStarted(started.executorId(), started.serverId()));
      } catch (Exception e) { // SparkException is thrown undeclared
        IllegalStateException missing = MissingJar.explain(e);
        if (missing != null) {
          throw missing;
        }
        throw e;
      } finally {
        sc.setJobDescription(null);
      }
      long alive = rt.scheduler.routing().servers().stream().filter(s -> s.alive()).count();
      if (alive >= expectedServers(sc)) {
        return;
      }
      LOG.info("{} parameter servers for {} executors after launch round {}; launching again", alive,
          expectedServers(sc), round + 1);
    }
  }

  /** Runs one task per slot; each starts its executor's server unless it runs. Returns who hosts which. */
  private static List<ServerStarted> startServers(JavaSparkContext jsc, List<Integer> ids, int tasks, PsEndpoint ep,
      AuthKeys keys, String[] tls, int port) {
    return jsc.parallelize(ids, tasks).mapPartitions(it -> {
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        TlsConfig serverTls = SparkTls.forExecutor(SparkEnv.get().conf(), tls[0], tls[1], tls[2]);
        PsConfig config = PsSparkConf.toPsConfigWithKeys(SparkEnv.get().conf(), host, keys, serverTls);
        // No plugin here to report a restarted server to the driver: its connection tells the scheduler.
        int id = ExecutorServers.ensureStarted(ep.deploymentId(), config, port, ep.schedulerHost(), ep.schedulerPort(),
            restarted -> { });
        return Collections.singletonList(new ServerStarted(SparkEnv.get().executorId(), id)).iterator();
      }).collect();
  }
}
