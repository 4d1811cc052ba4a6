package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Response: the request failed. With request id 0 it is a connection-level error (bad frame,
 * version, authentication) and the sender closes the connection. The message is for humans;
 * stack traces stay in the sender's log.
 * Immutable.
 */
public record ErrorMessage(ErrorCode code, String message) implements Message {

  public ErrorMessage {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The error response for a failure: a {@link PsRemoteException} keeps its code and detail,
   * an {@link IllegalArgumentException} becomes {@link ErrorCode#INVALID_ARGUMENT}, anything
   * else {@link ErrorCode#INTERNAL} with the exception's class and message (no stack trace).
   * {@link java.util.concurrent.CompletionException} and
   * {@link java.util.concurrent.ExecutionException} wrappers are unwrapped.
   */
  public static ErrorMessage from(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof PsRemoteException r) {
      return new ErrorMessage(r.code(), r.detail());
    }
    if (t instanceof IllegalArgumentException) {
      return new ErrorMessage(ErrorCode.INVALID_ARGUMENT, String.valueOf(t.getMessage()));
    }
    return new ErrorMessage(ErrorCode.INTERNAL, t.getClass().getName() + ": " + t.getMessage());
  }

  /** The exception a requester sees for this response. */
  public PsRemoteException toException() {
    return new PsRemoteException(code, message);
  }

  @Override
  public MessageType type() {
    return MessageType.ERROR;
  }

  @Override
  public int encodedLength() {
    return 4 + Codec.stringLength(message);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(code.code());
    Codec.writeString(buf, message);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static ErrorMessage decode(ByteBuf body) {
    ErrorCode code = ErrorCode.fromCode(body.readIntLE());
    String message = Codec.readString(body, "ERROR message");
    return new ErrorMessage(code, message);
  }
}
