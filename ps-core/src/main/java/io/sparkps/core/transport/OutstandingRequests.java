package io.sparkps.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.sparkps.core.protocol.DirectReplies;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageType;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.ValuesStream;
import io.sparkps.core.protocol.ValuesTarget;
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
 * executor, never on the caller's (event loop) thread; a {@link ReplySink} is called on the thread
 * that settles the request (see its contract). A request registered with a {@link ValuesTarget}
 * gets its VALUES reply copied into the target by {@link #values} (the decoder's
 * {@link DirectReplies} hook), after the entry is removed, so a request that timed out is never
 * written into. Thread-safe.
 */
final class OutstandingRequests implements DirectReplies {

  private static final Logger LOG = LoggerFactory.getLogger(OutstandingRequests.class);

  /** What is known about one request in flight. */
  static final class Pending {
    final long requestId;
    final MessageType type;
    final ReplySink sink;
    /** Where a VALUES reply is copied; null for the ordinary decoding. */
    final ValuesTarget target;
    final Duration timeout;
    volatile ScheduledFuture<?> timer;

    Pending(long requestId, MessageType type, ReplySink sink, ValuesTarget target, Duration timeout) {
      this.requestId = requestId;
      this.type = type;
      this.sink = sink;
      this.target = target;
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
    register(requestId, type, new FutureSink(future), null, timeout, timers);
  }

  /**
   * As {@link #register(long, MessageType, CompletableFuture, Duration, EventExecutor)}, with the
   * outcome going to {@code sink} on the settling thread and, if {@code target} is not null, a
   * VALUES reply copied into it.
   */
  void register(long requestId, MessageType type, ReplySink sink, ValuesTarget target,
      Duration timeout, EventExecutor timers) {
    arm(add(requestId, type, sink, target, timeout), timers);
  }

  /**
   * Registers a request without arming its deadline yet: the caller arms it with {@link #arm},
   * on the event loop that writes the request. Arming from another thread would hand a task to
   * that loop (Netty wakes a sleeping loop for every task scheduled from outside it), a second
   * wake-up next to the one the write itself costs.
   */
  Pending add(long requestId, MessageType type, ReplySink sink, ValuesTarget target, Duration timeout) {
    Pending p = new Pending(requestId, type, sink, target, timeout);
    pending.put(requestId, p);
    return p;
  }

  /**
   * Arms the deadline of {@code p} (from {@link #add}) on {@code timers}, unless it was already
   * settled. If it cannot be armed (event loop shutting down) the request fails at once.
   */
  void arm(Pending p, EventExecutor timers) {
    if (pending.get(p.requestId) != p) {
      return;  // settled already (a write failure, a close): nothing to time out
    }
    try {
      ScheduledFuture<?> timer = timers.schedule(() -> expire(p), saturatedNanos(p.timeout),
          TimeUnit.NANOSECONDS);
      p.timer = timer;
      if (pending.get(p.requestId) != p) {
        timer.cancel(false); // completed before the timer was stored
      }
    } catch (RejectedExecutionException e) {
      fail(p.requestId, new PsTransportException("cannot send " + p.type + " to " + remoteAddress
          + ": the transport is shutting down", e));
    }
  }

  private void expire(Pending p) {
    if (pending.remove(p.requestId, p)) {
      p.sink.fail(new PsTimeoutException("request " + p.type + " to " + remoteAddress
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
      p.sink.fail(error.toException());
    } else {
      p.sink.complete(response);
    }
    return true;
  }

  /**
   * Copies a VALUES reply into the target its request registered, then completes it (with a null
   * response); a reply of the wrong size fails it with {@link ErrorCode#MALFORMED_FRAME} and writes
   * nothing. Returns false, touching nothing, for requests without a target and unknown ids.
   */
  @Override
  public boolean values(long requestId, ByteBuf body) {
    Pending p = pending.get(requestId);
    if (p == null || p.target == null || take(requestId) != p) {
      return false;
    }
    try {
      p.target.read(body);
    } catch (RuntimeException e) {
      p.sink.fail(new PsRemoteException(ErrorCode.MALFORMED_FRAME, "undecodable response from " + remoteAddress
          + " to " + p.type + " (requestId=" + requestId + "): " + e.getMessage(), e));
      return true;
    }
    p.sink.complete(null);
    return true;
  }

  /**
   * Claims a large VALUES reply for streaming into the target its request registered (the frame
   * decoder's {@link DirectReplies} hook), when the reply holds as many floats as the target
   * expects; null (touching nothing) otherwise, so the ordinary path reads or refuses it. The
   * claimed request leaves the map (its timer cancelled): the claim settles it.
   */
  @Override
  public ValuesStream.Claim claim(long requestId, int floats) {
    Pending p = pending.get(requestId);
    if (p == null || p.target == null || p.target.expectedFloats() != floats || take(requestId) != p) {
      return null;
    }
    return new ValuesStream.Claim() {
      @Override
      public ValuesTarget target() {
        return p.target;
      }

      @Override
      public void done() {
        p.sink.complete(null);
      }

      @Override
      public void failed(Throwable cause) {
        p.sink.fail(new PsTransportException("connection to " + remoteAddress + " closed while receiving the"
            + " reply to " + p.type + " (requestId=" + requestId + ")", cause));
      }
    };
  }

  /** Fails one request; returns false for unknown ids. */
  boolean fail(long requestId, Throwable failure) {
    Pending p = take(requestId);
    if (p == null) {
      return false;
    }
    p.sink.fail(failure);
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
        p.sink.fail(failure.apply(p));
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

  /** A sink completing {@code future} on the callback executor. */
  ReplySink futureSink(CompletableFuture<Message> future) {
    return new FutureSink(future);
  }

  /** A future completed on the callback executor, so its dependents never run on the event loop. */
  private final class FutureSink implements ReplySink {
    private final CompletableFuture<Message> future;

    FutureSink(CompletableFuture<Message> future) {
      this.future = future;
    }

    @Override
    public void complete(Message response) {
      deliver(() -> future.complete(response));
    }

    @Override
    public void fail(Throwable failure) {
      deliver(() -> future.completeExceptionally(failure));
    }

    private void deliver(Runnable completion) {
      try {
        callbackExecutor.execute(completion);
      } catch (RejectedExecutionException e) {
        completion.run(); // the context is closing: better on this thread than never
      }
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
