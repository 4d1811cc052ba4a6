package io.sparkps.core.client;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.transport.ReplySink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Joins the requests of one table operation (one per slice) into one future, like
 * {@code CompletableFuture.allOf} but without a future per request: each request reports to a
 * {@link #part} sink on the thread that settles it (the event loop, see {@link ReplySink}), which
 * merges its reply and counts down. The result completes once <em>every</em> part has settled (so
 * no request still writes into the caller's array afterwards), with the first failure if any.
 * Blocking calls complete it right there, waking the one caller blocked on it: the future never
 * leaves the library, so nothing else can run on the event loop. Async calls complete it on the
 * callback executor, so user continuations never run on an I/O thread. Thread-safe.
 *
 * @param <T> the operation's result
 */
final class Gather<T> {

  /** What a part does with its reply, on the settling thread; throwing fails the part. */
  interface Merge {
    void accept(Message reply);
  }

  /** For requests registered with a values target: the reply was already read into it. */
  static final Merge READ_INTO_TARGET = reply -> {
    if (reply != null) {
      throw new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE, "expected a VALUES reply, got " + reply.type());
    }
  };

  /** For requests whose reply carries nothing (OK). */
  static final Merge IGNORE = reply -> { };

  private final CompletableFuture<T> future = new CompletableFuture<>();
  private final T value;
  private final Executor callbacks;
  private final AtomicInteger remaining;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * @param parts how many {@link #part} sinks will be handed out (0 completes at once)
   * @param callbacks where the result completes; null for a blocking call (on the settling thread)
   */
  Gather(int parts, T value, Executor callbacks) {
    this.value = value;
    this.callbacks = callbacks;
    this.remaining = new AtomicInteger(parts);
    if (parts == 0) {
      future.complete(value);
    }
  }

  CompletableFuture<T> future() {
    return future;
  }

  /** The sink of one request; {@code merge} handles its reply. */
  ReplySink part(Merge merge) {
    return new ReplySink() {
      @Override
      public void complete(Message response) {
        try {
          merge.accept(response);
        } catch (RuntimeException e) {
          fail(e);
          return;
        }
        settled();
      }

      @Override
      public void fail(Throwable t) {
        failure.compareAndSet(null, t);
        settled();
      }
    };
  }

  private void settled() {
    if (remaining.decrementAndGet() != 0) {
      return;
    }
    Throwable t = failure.get();
    Runnable finish = t == null ? () -> future.complete(value) : () -> future.completeExceptionally(t);
    if (callbacks == null) {
      finish.run();
      return;
    }
    try {
      callbacks.execute(finish);
    } catch (RejectedExecutionException e) {
      finish.run(); // the client is closing: better on this thread than never
    }
  }
}
