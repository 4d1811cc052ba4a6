package io.sparkps.core.transport;

import io.netty.util.concurrent.EventExecutor;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of one connection that await a response, keyed by request id. Whoever removes an
 * entry from the map owns its completion, so a response, a timeout, a write failure and a close
 * racing for one request complete it exactly once. Futures are completed on the callback
 * executor, never on the caller's (event loop) thread. Thread-safe.
 */
final class OutstandingRequests {

  private static final Logger LOG = LoggerFactory.getLogger(OutstandingRequests.class);

  /** What is known about one request in flight. */
  static final class Pending {
    final long requestId;
    final MessageType type;
    final CompletableFuture<Message> future;
    final Duration timeout;
    volatile ScheduledFuture<?> timer;

    Pending(long requestId, MessageType type, CompletableFuture<Message> future, Duration timeout) {
      this.requestId = requestId;
      this.type = type;
      this.future = future;
      this.timeout = timeout;
    }
  }

  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final String remoteAddress;
  private final Executor callbackExecutor;

  OutstandingRequests(String remoteAddress, Executor callbackExecutor) {
    this.remoteAddress = remoteAddress;
    this.callbackExecutor = callbackExecutor;
  }

  /**
   * Registers a request (before it is written) and arms its deadline on {@code timers}. If the
   * deadline cannot be armed (event loop shutting down) the request fails at once.
   */
  void register(long requestId, MessageType type, CompletableFuture<Message> future,
      Duration timeout, EventExecutor timers) {
    Pending p = new Pending(requestId, type, future, timeout);
    pending.put(requestId, p);
    try {
      ScheduledFuture<?> timer = timers.schedule(() -> expire(p), saturatedNanos(timeout),
          TimeUnit.NANOSECONDS);
      p.timer = timer;
      if (pending.get(requestId) != p) {
        timer.cancel(false); // completed before the timer was stored
      }
    } catch (RejectedExecutionException e) {
      fail(requestId, new PsTransportException("cannot send " + type + " to " + remoteAddress
          + ": the transport is shutting down", e));
    }
  }

  private void expire(Pending p) {
    if (pending.remove(p.requestId, p)) {
      deliver(p.future, null, new PsTimeoutException("request " + p.type + " to " + remoteAddress
          + " timed out after " + p.timeout + " (requestTimeout); requestId=" + p.requestId));
    }
  }

  /**
   * Completes a request with its response: an {@link ErrorMessage} fails it with the matching
   * {@link io.sparkps.core.protocol.PsRemoteException}. Returns false for unknown ids (late or
   * duplicate responses).
   */
  boolean complete(long requestId, Message response) {
    Pending p = take(requestId);
    if (p == null) {
      return false;
    }
    if (response instanceof ErrorMessage error) {
      deliver(p.future, null, error.toException());
    } else {
      deliver(p.future, response, null);
    }
    return true;
  }

  /** Fails one request; returns false for unknown ids. */
  boolean fail(long requestId, Throwable failure) {
    Pending p = take(requestId);
    if (p == null) {
      return false;
    }
    deliver(p.future, null, failure);
    return true;
  }

  /** Fails every outstanding request with its own exception; returns how many there were. */
  int failAll(Function<Pending, Throwable> failure) {
    int n = 0;
    for (Long id : pending.keySet()) {
      Pending p = take(id);
      if (p == null) {
        continue;
      }
      n++;
      try {
        deliver(p.future, null, failure.apply(p));
      } catch (RuntimeException e) {
        // One misbehaving entry must not keep the others pending.
        LOG.warn("failed to fail request {} to {}", p.requestId, remoteAddress, e);
      }
    }
    return n;
  }

  int size() {
    return pending.size();
  }

  private Pending take(long requestId) {
    Pending p = pending.remove(requestId);
    if (p != null) {
      ScheduledFuture<?> timer = p.timer;
      if (timer != null) {
        timer.cancel(false);
      }
    }
    return p;
  }

  private void deliver(CompletableFuture<Message> future, Message value, Throwable failure) {
    Runnable completion = failure == null
        ? () -> future.complete(value)
        : () -> future.completeExceptionally(failure);
    try {
      callbackExecutor.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run(); // the context is closing: better on this thread than never
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
