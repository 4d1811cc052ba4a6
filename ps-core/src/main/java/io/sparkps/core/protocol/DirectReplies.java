package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A channel's hook for replies read straight from their frame ({@link MessageDecoder#DIRECT_REPLIES}):
 * lets the requester copy a {@link MessageType#VALUES} reply into the array it registered
 * ({@link ValuesTarget}) instead of the decoder building a {@link ValuesMessage}. Called on the
 * channel's event loop.
 */
public interface DirectReplies {

  /**
   * Offers the body of a VALUES reply to request {@code requestId} (reader index after the frame
   * header). Returns true if the request took it (read it or failed on it); false leaves the
   * frame to the ordinary decoder (no target registered, or an unknown id), with the reader
   * index where it was. Never takes ownership of {@code body}.
   */
  boolean values(long requestId, ByteBuf body);

  /**
   * Claims a large VALUES reply to request {@code requestId} holding {@code floats} floats, to be
   * streamed into the request's target as its bytes arrive ({@link ValuesStream}): null leaves the
   * frame to the ordinary path (no target registered, an unknown id, or another size than the
   * target expects, which that path then refuses without writing anything). A claimed request is
   * no longer outstanding: its deadline is cancelled, and the claim settles it.
   */
  default ValuesStream.Claim claim(long requestId, int floats) {
    return null;
  }
}
