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
}
