package io.sparkps.spark;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.server.PsServer;
import java.io.IOException;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameter server this JVM hosts (at most one per application), started by the executor
 * plugin or by {@code PsContext}'s launch job, whichever comes first. Thread-safe.
 *
 * <p>A server that loses its scheduler stops itself. Either the application is ending, or the
 * scheduler declared the server dead while it could not answer (the executor was paused past the
 * heartbeat timeout, say) and moved its shards away. In the second case the executor is healthy
 * again, so it starts a fresh, empty server that registers under a new id: otherwise one more
 * loss could leave the application without servers. Which case it was shows when the new server
 * tries to register: after the application's end nobody answers.
 */
final class ExecutorServers {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorServers.class);
  /** Volatile so that the metrics read it without the lock a starting server holds. */
  private static volatile PsServer server;
  private static Launch launch;

  /** What is needed to start this JVM's server again. */
  private record Launch(String deploymentId, PsConfig config, int port, String schedulerHost, int schedulerPort,
      IntConsumer onStarted) {}

  private ExecutorServers() {}

  /**
   * Starts this JVM's server for the application unless it already runs; returns its id.
   * {@code onStarted} hears of every server started in its place later (see the class comment).
   */
  static synchronized int ensureStarted(String deploymentId, PsConfig config, int port, String schedulerHost,
      int schedulerPort, IntConsumer onStarted) throws IOException {
    if (server != null && !server.isClosed() && launch != null && deploymentId.equals(launch.deploymentId())) {
      return server.serverId();
    }
    if (server != null) {
      server.close();
    }
    launch = new Launch(deploymentId, config, port, schedulerHost, schedulerPort, onStarted);
    return startLocked(launch);
  }

  private static int startLocked(Launch l) throws IOException {
    PsServer started = PsServer.start(l.config(), l.port(), l.schedulerHost(), l.schedulerPort());
    server = started;
    started.stopped().thenRun(() -> restartIfCutOff(started, l));
    LOG.info("Parameter server {} for deployment {} started on {}:{}", started.serverId(), l.deploymentId(),
        started.host(), started.port());
    return started.serverId();
  }

  /** Runs on the thread that stopped {@code stopped}. */
  private static void restartIfCutOff(PsServer stopped, Launch l) {
    int newId;
    synchronized (ExecutorServers.class) {
      if (server != stopped || launch != l || stopped.stopReason() != PsServer.StopReason.SCHEDULER_LOST) {
        return;  // closed by its owner, or already replaced
      }
      server = null;
      try {
        newId = startLocked(l);
      } catch (IOException | RuntimeException e) {
        launch = null;
        LOG.info("Parameter server {} stopped with its scheduler (the application is ending): {}",
            stopped.serverId(), e.getMessage());
        LOG.debug("Restarting parameter server {} failed", stopped.serverId(), e);
        return;
      }
    }
    LOG.warn("Parameter server {} was cut off by the scheduler (declared dead while it could not answer; its "
        + "shards live elsewhere now); this executor hosts parameter server {} in its place", stopped.serverId(),
        newId);
    l.onStarted().accept(newId);
  }

  /** This JVM's server, or null when it hosts none (for the metrics, which read it live; never blocks). */
  static PsServer current() {
    return server;
  }

  /** Whether this JVM hosts a running server. */
  static synchronized boolean runningHere() {
    return server != null && !server.isClosed();
  }

  /** Stops this JVM's server, if any; it is not started again. */
  static synchronized void stop() {
    launch = null;
    if (server != null) {
      PsServer s = server;
      server = null;
      s.close();
    }
  }
}
