package io.sparkps.core.transport;

import java.time.Duration;

/**
 * A caller stopped waiting: the deadline of its own wait ({@link Await#result}) passed before the
 * result arrived. Local, unlike {@link io.sparkps.core.protocol.PsRemoteException} of code {@code
 * TIMEOUT} (the remote side gave up) and unlike {@link PsTimeoutException} (the connection failed
 * the request when the request's own deadline passed). The operation was not cancelled and may
 * still complete. Immutable.
 */
public class PsDeadlineException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final Duration timeout;

  public PsDeadlineException(String message, Duration timeout, Throwable cause) {
    super(message, cause);
    this.timeout = timeout;
  }

  /** How long the caller waited. */
  public Duration timeout() {
    return timeout;
  }
}
