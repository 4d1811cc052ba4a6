package io.sparkps.core.transport;

/**
 * A snapshot of what one listening server saw: connections open and still in the handshake,
 * connections refused (over a cap, or failing or abusing the handshake) and the log lines those
 * refusals wrote (rate-limited). Immutable.
 */
public record ListenerStats(int openConnections, int unauthenticatedConnections, long rejectedConnections,
    long rejectionLogLines) {}
