package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Handshake, server to client, request id 0: the client is authenticated (or the server does
 * not require it); ordinary messages may follow.
 * Immutable.
 */
public record AuthOkMessage() implements Message {

  public static final AuthOkMessage INSTANCE = new AuthOkMessage();

  @Override
  public MessageType type() {
    return MessageType.AUTH_OK;
  }

  @Override
  public int encodedLength() {
    return 0;
  }

  @Override
  public void encode(ByteBuf buf) {
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static AuthOkMessage decode(ByteBuf body) {
    return INSTANCE;
  }
}
