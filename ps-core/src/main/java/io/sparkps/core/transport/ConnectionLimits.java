package io.sparkps.core.transport;

import io.netty.channel.Channel;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.config.TransportLimits;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection caps of one listening server ({@link TransportLimits}): counts open and still
 * unauthenticated connections, refuses new ones beyond either cap, and logs every refusal
 * (here and in the handshake) through one {@link RateLimitedLog}. Thread-safe.
 */
final class ConnectionLimits {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimits.class);
  /** At most one line per interval about refused peers. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(30);

  private final TransportLimits limits;
  private final String listener;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger unauthenticated = new AtomicInteger();
  private final RateLimitedLog refusals;

  ConnectionLimits(TransportLimits limits, String listener, Ticker ticker) {
    this.limits = limits;
    this.listener = listener;
    this.refusals = new RateLimitedLog(LOG, ticker, LOG_INTERVAL);
  }

  /**
   * Admits a just-accepted channel (its event loop), or returns false when a cap is reached; the
   * caller then closes it at once. An admitted channel counts as unauthenticated until
   * {@link Admission#authenticated()}, and leaves both counts when it closes.
   */
  Admission admit(Channel channel, String remote) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      refused("refusing connection from " + remote + " to " + listener + ": " + limits.maxConnections()
          + " connections open (maxConnections)");
      return null;
    }
    if (unauthenticated.incrementAndGet() > limits.maxUnauthenticatedConnections()) {
      unauthenticated.decrementAndGet();
      open.decrementAndGet();
      refused("refusing connection from " + remote + " to " + listener + ": "
          + limits.maxUnauthenticatedConnections() + " connections still in the handshake"
          + " (maxUnauthenticatedConnections)");
      return null;
    }
    Admission admission = new Admission();
    channel.closeFuture().addListener(f -> admission.closed());
    return admission;
  }

  /** Counts and (rate-limited) logs a refused peer. */
  void refused(String why) {
    refusals.warn(why);
  }

  ListenerStats stats() {
    return new ListenerStats(open.get(), unauthenticated.get(), refusals.events(), refusals.lines());
  }

  /** One admitted channel's place in the counts. Confined to the channel's event loop. */
  final class Admission {
    private boolean authenticated;
    private boolean closed;

    /** The handshake succeeded: it no longer counts as unauthenticated. */
    void authenticated() {
      if (!authenticated && !closed) {
        authenticated = true;
        unauthenticated.decrementAndGet();
      }
    }

    private void closed() {
      if (closed) {
        return;
      }
      closed = true;
      if (!authenticated) {
        unauthenticated.decrementAndGet();
      }
      open.decrementAndGet();
    }
  }
}
