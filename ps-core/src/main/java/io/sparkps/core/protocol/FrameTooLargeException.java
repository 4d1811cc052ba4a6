package io.sparkps.core.protocol;

import io.netty.handler.codec.TooLongFrameException;

/**
 * A peer announced a frame above the configured maximum. Thrown by {@link FrameDecoder} as
 * soon as the length field is read (before any of the frame is buffered). Immutable.
 */
public final class FrameTooLargeException extends TooLongFrameException {

  private static final long serialVersionUID = 1L;

  private final long frameBytes;
  private final int maxFrameBytes;

  public FrameTooLargeException(long frameBytes, int maxFrameBytes) {
    super("frame of " + frameBytes + " bytes exceeds maxFrameBytes=" + maxFrameBytes
        + "; raise spark.ps.maxFrameBytes or send smaller batches");
    this.frameBytes = frameBytes;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** The announced size (bytes after the length field). */
  public long frameBytes() {
    return frameBytes;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }
}
