package io.sparkps.core.transport;

/**
 * The server rejected the authentication handshake: the secrets differ, or the client has none
 * while the server requires one. The message includes the server's explanation. Immutable.
 */
public class PsAuthenticationException extends PsTransportException {

  private static final long serialVersionUID = 1L;

  public PsAuthenticationException(String message) {
    super(message);
  }

  public PsAuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
