package io.sparkps.spark;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.server.PsServer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameter server this JVM hosts (at most one per application), started by the executor
 * plugin or by {@code PsContext}'s launch job, whichever comes first. Thread-safe.
 */
final class ExecutorServers {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorServers.class);
  private static PsServer server;
  private static String serverDeploymentId;

  private ExecutorServers() {}

  /** Starts this JVM's server for the application unless it already runs; returns its id. */
  static synchronized int ensureStarted(String deploymentId, PsConfig config, int port, String schedulerHost,
      int schedulerPort) throws IOException {
    if (server != null && !server.isClosed() && deploymentId.equals(serverDeploymentId)) {
      return server.serverId();
    }
    if (server != null) {
      server.close();
    }
    server = PsServer.start(config, port, schedulerHost, schedulerPort);
    serverDeploymentId = deploymentId;
    LOG.info("Parameter server {} for deployment {} started on {}:{}", server.serverId(), deploymentId,
        server.host(), server.port());
    return server.serverId();
  }

  /** Whether this JVM hosts a running server. */
  static synchronized boolean runningHere() {
    return server != null && !server.isClosed();
  }

  /** Stops this JVM's server, if any. */
  static synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
      serverDeploymentId = null;
    }
  }
}
