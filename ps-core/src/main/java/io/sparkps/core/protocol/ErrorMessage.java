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
   * The error response for a failure, as {@link ErrorMapping} classifies it: a
   * {@link PsRemoteException} keeps its code and detail, other failures get the code of their
   * type, and unclassified ones {@link ErrorCode#INTERNAL} with the exception's class and message
   * (no stack trace). Future wrappers are unwrapped.
   */
  public static ErrorMessage from(Throwable failure) {
    return new ErrorMessage(ErrorMapping.codeOf(failure), ErrorMapping.messageOf(failure));
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
