package io.sparkps.core.transport;

/**
 * A request's deadline (or a connect's) passed before the answer arrived. The request may still
 * be applied remotely; a late response is logged and dropped. Immutable.
 */
public class PsTimeoutException extends PsTransportException {

  private static final long serialVersionUID = 1L;

  public PsTimeoutException(String message) {
    super(message);
  }

  public PsTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
