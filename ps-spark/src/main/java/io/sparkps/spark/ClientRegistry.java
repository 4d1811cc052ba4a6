package io.sparkps.spark;

import io.sparkps.core.client.PsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link PsClient} per application per JVM, opened on first use and shared by every task and
 * handle in that JVM (Glint's per-executor client, made thread-safe). Closed when the application
 * stops (driver) or the executor shuts down. Thread-safe.
 */
public final class ClientRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);
  private static final Map<PsEndpoint, PsClient> CLIENTS = new ConcurrentHashMap<>();
  private static final Set<String> STOPPED = ConcurrentHashMap.newKeySet();

  private ClientRegistry() {}

  /** The JVM's client for {@code endpoint}, connecting on first use. */
  public static PsClient client(PsEndpoint endpoint) {
    if (STOPPED.contains(endpoint.deploymentId())) {
      throw new IllegalStateException("the PsContext of application " + endpoint.deploymentId()
          + " was stopped: its tables are gone. Create a new context with PsContext.getOrCreate(spark)"
          + " and new table handles.");
    }
    return CLIENTS.computeIfAbsent(endpoint, e -> {
      try {
        LOG.info("Connecting to the parameter-server scheduler at {}:{}", e.schedulerHost(), e.schedulerPort());
        return PsClient.connect(e.config(), e.schedulerHost(), e.schedulerPort());
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot reach the parameter-server scheduler at " + e.schedulerHost()
            + ":" + e.schedulerPort() + " (has the application or its PsContext stopped?): " + ex.getMessage(), ex);
      }
    });
  }

  /** Closes this JVM's clients of the deployment and refuses new ones. */
  static void stop(String deploymentId) {
    STOPPED.add(deploymentId);
    CLIENTS.entrySet().removeIf(e -> {
      if (e.getKey().deploymentId().equals(deploymentId)) {
        e.getValue().close();
        return true;
      }
      return false;
    });
  }

  /** Closes every client in this JVM (executor shutdown). */
  static void closeAll() {
    CLIENTS.values().forEach(PsClient::close);
    CLIENTS.clear();
  }
}
