package io.sparkps.core.transport;

import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.PsRemoteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way to wait for a result: every blocking call of the client, the server's start and the
 * Spark driver's blocking calls wait through {@link #result}, so the same failure always surfaces
 * as the same type, rethrown on the caller's thread so it shows the caller's stack:
 * <ul>
 *   <li>the remote side answered with an error: {@link PsRemoteException} with the same code (a
 *       new one; the original is its cause). A remote {@code TIMEOUT} is such an answer;</li>
 *   <li>the connection failed ({@link PsTransportException}, including {@link
 *       PsTimeoutException}, the connection's own deadline for one request, or any other {@link
 *       IOException}): {@link UncheckedIOException} with it as the cause. Entry points that declare
 *       {@code IOException} ({@code PsClient.connect}, {@code PsServer.start}) unwrap it;</li>
 *   <li>this wait's deadline passed: {@link PsDeadlineException};</li>
 *   <li>the waiting thread was interrupted: {@link PsInterruptedException}, with the thread's
 *       interrupt flag set again;</li>
 *   <li>anything else the future failed with: a plain {@link IllegalArgumentException} as a new
 *       one (the caller's stack), other unchecked exceptions and errors as they are, a checked
 *       exception inside an {@link IllegalStateException}.</li>
 * </ul>
 * Waiting never cancels the future: the operation may still complete after the caller gave up.
 * Stateless; call it from any thread but a Netty event loop.
 */
public final class Await {

  /** What to do when a wait's deadline passes, unless the caller knows better. */
  public static final String DEFAULT_REMEDY =
      "it may still complete; raise the timeout if the work is slow, or check that the servers and the scheduler"
          + " are alive";

  private Await() {}

  /** As {@link #result(Future, Duration, String, String)}, with {@link #DEFAULT_REMEDY}. */
  public static <T> T result(Future<T> future, Duration timeout, String what) {
    return result(future, timeout, what, DEFAULT_REMEDY);
  }

  /**
   * Waits at most {@code timeout} for {@code future} and returns its result, or throws as the class
   * comment says.
   *
   * @param what the operation, for messages: "pull on table t" reads "pull on table t did not
   *     complete within PT1M (...)"
   * @param remedy what to do when the deadline passes, for that message (name the setting to raise)
   */
  public static <T> T result(Future<T> future, Duration timeout, String what, String remedy) {
    Objects.requireNonNull(future, "future");
    Objects.requireNonNull(timeout, "timeout");
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PsInterruptedException("interrupted while waiting for " + what
          + " (the thread's interrupt flag is set again; the operation may still complete)", e);
    } catch (TimeoutException e) {
      throw new PsDeadlineException(what + " did not complete within " + timeout + " (" + remedy + ")", timeout, e);
    } catch (ExecutionException e) {
      throw failure(ErrorMapping.unwrap(e), what);
    }
  }

  private static RuntimeException failure(Throwable c, String what) {
    if (c instanceof PsRemoteException r) {
      return new PsRemoteException(r.code(), r.detail(), r);
    }
    if (c instanceof IOException io) {
      return new UncheckedIOException(what + " failed: " + io.getMessage(), io);
    }
    if (c.getClass() == IllegalArgumentException.class) {
      return new IllegalArgumentException(c.getMessage(), c);
    }
    if (c instanceof RuntimeException re) {
      return re;
    }
    if (c instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(what + " failed: " + c, c);
  }
}
