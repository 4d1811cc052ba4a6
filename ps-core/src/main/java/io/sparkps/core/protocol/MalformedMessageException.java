package io.sparkps.core.protocol;

/**
 * A message body (or header) could not be decoded: a count larger than the bytes left, an
 * unknown enum value, a spec that fails validation. Thrown by the {@code decode} methods before
 * anything big is allocated; the transport turns it into a {@link ErrorCode#MALFORMED_FRAME}
 * error response.
 */
public class MalformedMessageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
