package io.sparkps.core.protocol;

/**
 * A request failed on the remote side (or was refused before it was sent) for the reason in
 * {@link #code()}. Thrown on servers to produce an error response, and delivered to clients when
 * one arrives. The connection stays usable.
 */
public class PsRemoteException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public PsRemoteException(ErrorCode code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  public PsRemoteException(ErrorCode code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The message without the code prefix, as it travels on the wire. */
  public String detail() {
    String m = getMessage();
    String prefix = code + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}
