package io.sparkps.core.server;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registered server's sign of life towards the scheduler: a heartbeat every interval, each
 * answered beat renewing the {@link ServerLease}. It calls {@code onLost} when a beat goes
 * unanswered or the scheduler connection closes while the server is open. Thread-safe.
 */
final class SchedulerHeartbeats implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerHeartbeats.class);

  private final PsConfig config;
  private final Ticker ticker;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ps-server-heartbeat");
    t.setDaemon(true);
    return t;
  });

  SchedulerHeartbeats(PsConfig config, Ticker ticker) {
    this.config = config;
    this.ticker = ticker;
  }

  /**
   * Starts beating for {@code serverId} on {@code scheduler}; {@code closed} tells whether the
   * server is already stopping (then losing the scheduler is expected and {@code onLost} not run).
   */
  void start(Connection scheduler, int serverId, ServerLease lease, BooleanSupplier closed, Runnable onLost) {
    long every = config.heartbeatInterval().toNanos();
    // Registration counts as the first sign of life; beats follow one interval apart. An
    // unanswered beat means the scheduler (the driver) is gone without closing the connection
    // (its host died): the server stops rather than serve a dead application.
    timer.scheduleAtFixedRate(() -> {
      long sentAt = ticker.read();
      scheduler.request(new HeartbeatMessage(serverId), config.heartbeatTimeout()).whenComplete((ok, err) -> {
        if (err == null) {
          lease.renewed(sentAt);
        } else if (ErrorMapping.unwrap(err) instanceof PsTimeoutException && !closed.getAsBoolean()) {
          LOG.warn("Parameter server {}: the scheduler did not answer a heartbeat within {}; stopping",
              serverId, config.heartbeatTimeout());
          onLost.run();
        }
      });
    }, every, every, TimeUnit.NANOSECONDS);
    // The scheduler closes the connection when the application ends and when it has declared this
    // server dead; which one it was is for the owner of the server to find out (stopReason()).
    scheduler.closeFuture().whenComplete((v, e) -> {
      if (!closed.getAsBoolean()) {
        LOG.info("Parameter server {}: its scheduler connection closed; stopping", serverId);
        onLost.run();
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
