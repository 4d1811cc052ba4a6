package io.sparkps.core.server;

import io.sparkps.core.config.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a server may keep serving without hearing from the scheduler. The scheduler declares
 * a server dead once it has received no heartbeat for the heartbeat timeout, and then moves its
 * shards elsewhere; a server that was only paused (SIGSTOP, a long GC pause, a frozen VM) would
 * otherwise wake up and apply writes to shards that now live elsewhere. So the server counts its
 * lease from the moment it <em>sent</em> the last heartbeat the scheduler acknowledged: that is
 * no later than the moment the scheduler received it, so the lease always runs out before the
 * scheduler may declare the server dead, and an expired server refuses every data request.
 * Thread-safe.
 */
final class ServerLease {

  private final Ticker ticker;
  private final long termNanos;
  private final AtomicLong renewedAt;

  /** A lease of {@code term} starting now (registration counts as the first acknowledged beat). */
  ServerLease(Ticker ticker, Duration term, long startedAtNanos) {
    this.ticker = ticker;
    this.termNanos = term.toNanos();
    this.renewedAt = new AtomicLong(startedAtNanos);
  }

  /** How long the lease lasts after the send of an acknowledged heartbeat. */
  Duration term() {
    return Duration.ofNanos(termNanos);
  }

  /** The scheduler acknowledged a heartbeat sent at {@code sentAtNanos}. */
  void renewed(long sentAtNanos) {
    renewedAt.accumulateAndGet(sentAtNanos, Math::max);
  }

  /** Whether the scheduler may already have declared this server dead. */
  boolean expired() {
    return silentNanos() > termNanos;
  }

  /** Time since the send of the last acknowledged heartbeat. */
  long silentNanos() {
    return ticker.read() - renewedAt.get();
  }
}
