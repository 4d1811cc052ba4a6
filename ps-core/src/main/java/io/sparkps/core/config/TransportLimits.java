package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;
import static io.sparkps.core.check.Checks.requireState;

import java.io.Serializable;
import java.time.Duration;

/**
 * What one listening server tolerates from its peers: how many connections it keeps (in total
 * and still unauthenticated), how long an authenticated connection may stay silent, and how long
 * one frame may take to arrive once its first byte has. Built with {@link #builder()} (set-once,
 * range-checked). Immutable, serialisable, thread-safe.
 */
public final class TransportLimits implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Hundreds of executors, each with a client and a server, fit many times over. */
  public static final int DEFAULT_MAX_CONNECTIONS = 16_384;
  /** Enough for every executor of a large cluster connecting at once. */
  public static final int DEFAULT_MAX_UNAUTHENTICATED_CONNECTIONS = 1_024;
  /** Healthy peers ping every third of it, so only dead or silent peers reach it. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);
  /** A 64 MiB frame arrives within seconds on any cluster network. */
  public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofMinutes(2);

  private final int maxConnections;
  private final int maxUnauthenticatedConnections;
  private final Duration idleTimeout;
  private final Duration frameTimeout;

  private TransportLimits(Builder b) {
    this.maxConnections = b.maxConnections;
    this.maxUnauthenticatedConnections = b.maxUnauthenticatedConnections;
    this.idleTimeout = b.idleTimeout;
    this.frameTimeout = b.frameTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static TransportLimits defaults() {
    return builder().build();
  }

  /** Connections one listening server keeps open at once; more are closed on accept. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Of those, how many may still be in the handshake; more are closed on accept. */
  public int maxUnauthenticatedConnections() {
    return maxUnauthenticatedConnections;
  }

  /**
   * An authenticated connection on which nothing arrived for this long is closed. Each side pings
   * when it has sent nothing for a third of it, so live peers never reach it.
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** A frame must arrive whole within this long of its first byte, or the connection is closed. */
  public Duration frameTimeout() {
    return frameTimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportLimits l && maxConnections == l.maxConnections
        && maxUnauthenticatedConnections == l.maxUnauthenticatedConnections
        && idleTimeout.equals(l.idleTimeout) && frameTimeout.equals(l.frameTimeout);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(maxConnections, maxUnauthenticatedConnections, idleTimeout, frameTimeout);
  }

  @Override
  public String toString() {
    return "TransportLimits{maxConnections=" + maxConnections + ", maxUnauthenticatedConnections="
        + maxUnauthenticatedConnections + ", idleTimeout=" + idleTimeout + ", frameTimeout=" + frameTimeout + "}";
  }

  /** Validating, set-once builder. Not thread-safe. */
  public static final class Builder {
    private int maxConnections;
    private int maxUnauthenticatedConnections;
    private Duration idleTimeout;
    private Duration frameTimeout;

    private Builder() {}

    public Builder maxConnections(int n) {
      requireState(maxConnections == 0, "maxConnections was already set to %s", maxConnections);
      requireArgument(n >= 1, "maxConnections must be positive: maxConnections=%s (>= 1)", n);
      this.maxConnections = n;
      return this;
    }

    public Builder maxUnauthenticatedConnections(int n) {
      requireState(maxUnauthenticatedConnections == 0, "maxUnauthenticatedConnections was already set to %s",
          maxUnauthenticatedConnections);
      requireArgument(n >= 1, "maxUnauthenticatedConnections must be positive: maxUnauthenticatedConnections=%s (>= 1)", n);
      this.maxUnauthenticatedConnections = n;
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      requireState(idleTimeout == null, "idleTimeout was already set to %s", idleTimeout);
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    public Builder frameTimeout(Duration timeout) {
      requireState(frameTimeout == null, "frameTimeout was already set to %s", frameTimeout);
      this.frameTimeout = positive("frameTimeout", timeout);
      return this;
    }

    private static Duration positive(String name, Duration d) {
      requireArgument(d != null && !d.isNegative() && !d.isZero(), "%s must be positive: %s=%s", name, name, d);
      return d;
    }

    public TransportLimits build() {
      maxConnections = maxConnections == 0 ? DEFAULT_MAX_CONNECTIONS : maxConnections;
      maxUnauthenticatedConnections = maxUnauthenticatedConnections == 0
          ? Math.min(DEFAULT_MAX_UNAUTHENTICATED_CONNECTIONS, maxConnections) : maxUnauthenticatedConnections;
      idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
      frameTimeout = frameTimeout == null ? DEFAULT_FRAME_TIMEOUT : frameTimeout;
      requireArgument(maxUnauthenticatedConnections <= maxConnections,
          "maxUnauthenticatedConnections must not exceed maxConnections: maxUnauthenticatedConnections=%s,"
              + " maxConnections=%s", maxUnauthenticatedConnections, maxConnections);
      return new TransportLimits(this);
    }
  }
}
