package io.sparkps.core.transport;

import java.io.IOException;

/**
 * The transport failed to carry a request: connection refused or closed, write failed, context
 * shut down. The remote side may or may not have seen the request. Immutable.
 */
public class PsTransportException extends IOException {

  private static final long serialVersionUID = 1L;

  public PsTransportException(String message) {
    super(message);
  }

  public PsTransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
