package io.sparkps.core.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A frame arrived whole but could not be turned into an {@link Envelope}. {@link #fatal()}
 * errors (bad version, unknown type, header too short) leave the stream untrustworthy: the
 * receiver reports them with request id 0 and closes. Body errors keep framing intact: the
 * receiver answers {@link #requestId()} with {@link #code()} and keeps the connection.
 * Immutable.
 */
public final class FrameDecodeException extends DecoderException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final long requestId;
  private final transient MessageType type;
  private final boolean fatal;

  private FrameDecodeException(ErrorCode code, long requestId, MessageType type, boolean fatal,
      String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.requestId = requestId;
    this.type = type;
    this.fatal = fatal;
  }

  /** The stream cannot be trusted any more: report with request id 0 and close. */
  public static FrameDecodeException fatal(ErrorCode code, String message) {
    return new FrameDecodeException(code, 0, null, true, message, null);
  }

  /** The header was fine, the body was not: answer {@code requestId}, keep the connection. */
  public static FrameDecodeException body(long requestId, MessageType type, String message,
      Throwable cause) {
    return new FrameDecodeException(ErrorCode.MALFORMED_FRAME, requestId, type, false, message, cause);
  }

  /** This failure, but fatal (e.g. before authentication nothing gets a second chance). */
  public FrameDecodeException asFatal() {
    return fatal ? this : new FrameDecodeException(code, 0, type, true, getMessage(), getCause());
  }

  public ErrorCode code() {
    return code;
  }

  /** The request id from the header; 0 when fatal. */
  public long requestId() {
    return requestId;
  }

  /** The type from the header; null when it could not be read. */
  public MessageType type() {
    return type;
  }

  public boolean fatal() {
    return fatal;
  }
}
