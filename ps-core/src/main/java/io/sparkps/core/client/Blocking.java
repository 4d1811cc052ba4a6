package io.sparkps.core.client;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a future with a deadline and rethrows its failure on the caller's thread, so blocking
 * calls show the caller's stack: remote errors as {@link PsRemoteException}, transport errors as
 * {@link UncheckedIOException}. Stateless.
 */
final class Blocking {

  private Blocking() {}

  static <T> T get(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new PsRemoteException(ErrorCode.TIMEOUT, what + " interrupted", e);
    } catch (TimeoutException e) {
      throw new PsRemoteException(ErrorCode.TIMEOUT, what + " did not complete within " + timeout
          + " (raise the request timeout, or check the servers' health)", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof PsRemoteException r) {
        throw new PsRemoteException(r.code(), r.detail(), r);
      }
      if (c instanceof IOException io) {
        throw new UncheckedIOException(what + " failed: " + io.getMessage(), io);
      }
      if (c instanceof IllegalArgumentException iae) {
        throw new IllegalArgumentException(iae.getMessage(), iae);
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(what + " failed: " + c, c);
    }
  }
}
