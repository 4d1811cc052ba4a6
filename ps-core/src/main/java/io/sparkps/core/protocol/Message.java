package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A wire message body. The frame header (length, version, type, request id) is written by
 * {@link MessageEncoder}; a message only knows its body. Every implementation is an immutable
 * record (or a final subclass of {@link KeyListRequest}) with a
 * {@code public static X decode(ByteBuf body)} registered in {@link MessageType}, and
 * content-based {@code equals}/{@code hashCode}/{@code toString}. Thread-safe (immutable).
 */
public interface Message {

  /** The wire type; its id selects the decoder on the receiving side. */
  MessageType type();

  /** Exact number of bytes {@link #encode} writes; the encoder allocates exactly this much. */
  int encodedLength();

  /** Writes the body at the writer index. Does not take ownership of {@code buf}. */
  void encode(ByteBuf buf);
}
