package io.sparkps.core.protocol;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns a failure raised while serving a request into the error code sent back, so servers and
 * the scheduler classify failures the same way. Stateless.
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
    if (c instanceof IllegalArgumentException) {
      String m = String.valueOf(c.getMessage());
      return m.startsWith("key out of range") ? ErrorCode.KEY_OUT_OF_RANGE : ErrorCode.INVALID_ARGUMENT;
    }
    return ErrorCode.INTERNAL;
  }

  /** The message sent with the code: the exception's own message, without a code prefix. */
  public static String messageOf(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof PsRemoteException r) {
      return r.detail();
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
