package io.sparkps.core.protocol;

import io.sparkps.core.clock.RunFailedException;
import io.sparkps.core.storage.KeyOutOfRangeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns a failure raised while serving a request into the error code sent back: the one mapping,
 * by exception type (never by message text), that servers and the scheduler share, through
 * {@code Connection.replyFailure}. Stateless.
 */
public final class ErrorMapping {

  private ErrorMapping() {}

  /** The code for {@code t}; {@link ErrorCode#INTERNAL} for anything unexpected (log those). */
  public static ErrorCode codeOf(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof PsRemoteException r) {
      return r.code();
    }
    if (c instanceof MalformedMessageException) {
      return ErrorCode.MALFORMED_FRAME;
    }
    if (c instanceof UnsupportedOperationException) {
      return ErrorCode.UNSUPPORTED_OPERATION;
    }
    if (c instanceof RunFailedException) {
      return ErrorCode.RUN_FAILED;
    }
    if (c instanceof KeyOutOfRangeException) {
      return ErrorCode.KEY_OUT_OF_RANGE;
    }
    if (c instanceof IllegalArgumentException) {
      return ErrorCode.INVALID_ARGUMENT;
    }
    if (c instanceof OutOfMemoryError) {
      return ErrorCode.RESOURCE_EXHAUSTED;  // an allocation no size check foresaw: still an answer
    }
    return ErrorCode.INTERNAL;
  }

  /**
   * The message sent with the code: the exception's own message, without a code prefix; for an
   * unclassified failure ({@link ErrorCode#INTERNAL}) also its class, which the peer cannot see.
   */
  public static String messageOf(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof PsRemoteException r) {
      return r.detail();
    }
    if (codeOf(c) == ErrorCode.INTERNAL) {
      return c.getClass().getName() + ": " + c.getMessage();
    }
    String m = c.getMessage();
    return m == null ? c.getClass().getSimpleName() : m;
  }

  /** Strips the wrappers futures add. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
