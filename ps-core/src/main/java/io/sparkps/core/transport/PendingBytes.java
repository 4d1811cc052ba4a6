package io.sparkps.core.transport;

import io.sparkps.core.config.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The bytes one component (its {@link PsTransportContext}) holds for admitted requests until
 * their replies are written: {@code PsConfig.maxPendingBytes}. A connection that cannot get its
 * share waits in FIFO order and is granted bytes as they return. Every connection's
 * {@link RequestAdmission} draws on it. Thread-safe (one monitor; waiters are told outside it).
 */
public final class PendingBytes {

  /** A connection waiting for {@link #bytes()}; told on any thread, once, when they are its. */
  interface Waiter {
    long bytes();

    void granted();
  }

  /** A consistent snapshot, for tests and diagnostics. */
  public record Stats(long held, long peak, long limit, int waitingRequests, int pausedConnections) {}

  private static final Ticker TICKER = Ticker.systemTicker();

  private final long limit;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long held;
  private long peak;
  private int waitingRequests;
  private int pausedConnections;

  PendingBytes(long limit) {
    this.limit = limit;
  }

  /** Takes {@code bytes} if they fit and nobody is waiting before; false otherwise (then {@link #await}). */
  synchronized boolean tryAcquire(long bytes) {
    if (!waiters.isEmpty() || held + bytes > limit) {
      return false;
    }
    take(bytes);
    return true;
  }

  /** Queues {@code w}; it is granted its bytes, in FIFO order, once they fit. */
  void await(Waiter w) {
    List<Waiter> granted;
    synchronized (this) {
      waiters.add(w);
      granted = grantLocked();
    }
    notifyGranted(granted);
  }

  /** Withdraws a waiter that has not been granted yet; returns whether it was still waiting. */
  boolean cancel(Waiter w) {
    List<Waiter> granted;
    boolean removed;
    synchronized (this) {
      removed = waiters.remove(w);
      granted = grantLocked();
    }
    notifyGranted(granted);
    return removed;
  }

  /** Returns bytes taken by {@link #tryAcquire} or granted to a waiter. */
  void release(long bytes) {
    if (bytes == 0) {
      return;
    }
    List<Waiter> granted;
    synchronized (this) {
      held -= bytes;
      if (held < 0) {
        throw new IllegalStateException("pending bytes released twice: held=" + held + " after releasing " + bytes);
      }
      granted = grantLocked();
      notifyAll();
    }
    notifyGranted(granted);
  }

  /** Connections report requests they hold back (+n / -n) and whether they stopped reading. */
  synchronized void changed(int waitingDelta, int pausedDelta) {
    waitingRequests += waitingDelta;
    pausedConnections += pausedDelta;
    notifyAll();
  }

  private void take(long bytes) {
    held += bytes;
    peak = Math.max(peak, held);
    notifyAll();
  }

  private List<Waiter> grantLocked() {
    List<Waiter> granted = null;
    while (!waiters.isEmpty() && held + waiters.peek().bytes() <= limit) {
      Waiter w = waiters.poll();
      take(w.bytes());
      if (granted == null) {
        granted = new ArrayList<>(2);
      }
      granted.add(w);
    }
    return granted;
  }

  private static void notifyGranted(List<Waiter> granted) {
    if (granted != null) {
      granted.forEach(Waiter::granted);
    }
  }

  /** Bytes held now. */
  public synchronized long held() {
    return held;
  }

  /** The most bytes ever held at once. */
  public synchronized long peak() {
    return peak;
  }

  public long limit() {
    return limit;
  }

  public synchronized Stats stats() {
    return new Stats(held, peak, limit, waitingRequests, pausedConnections);
  }

  /**
   * Waits (on this object's monitor, woken by every change) until {@code condition} holds, and
   * returns the snapshot that satisfied it.
   *
   * @throws PsTimeoutException when it did not hold within {@code timeout}; the message has the
   *     last snapshot
   */
  public Stats await(Predicate<Stats> condition, Duration timeout) throws InterruptedException, PsTimeoutException {
    long deadline = TICKER.read() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        Stats now = stats();
        if (condition.test(now)) {
          return now;
        }
        long left = deadline - TICKER.read();
        if (left <= 0) {
          throw new PsTimeoutException("pending bytes did not reach the expected state within " + timeout
              + ": " + now);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  @Override
  public String toString() {
    return "PendingBytes" + stats();
  }
}
