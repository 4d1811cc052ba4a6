package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;

/**
 * Splits the byte stream into frames: {@code [int32 LE length][length bytes]}, stripping the
 * length field. A length above {@code maxFrameBytes} fails fast with
 * {@link FrameTooLargeException} before the frame is buffered, and the frame's bytes are then
 * skipped, so later frames still decode. Emits retained slices the next handler must release.
 * Per channel (holds the cumulation buffer): never share an instance.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

  /** Bytes of the length field that starts every frame. */
  public static final int LENGTH_FIELD_BYTES = 4;
  /** Bytes after the length field and before the body: version, type, request id. */
  public static final int HEADER_BYTES = 1 + 1 + 8;

  private final int maxFrameBytes;
  private long lastFrameBytes;

  /**
   * @param maxFrameBytes largest accepted frame, counted after the length field (as
   *     {@code PsConfig.maxFrameBytes()} documents)
   */
  public FrameDecoder(int maxFrameBytes) {
    // Netty counts the length field in maxFrameLength; ours does not.
    super(ByteOrder.LITTLE_ENDIAN, saturatedAdd(maxFrameBytes, LENGTH_FIELD_BYTES), 0,
        LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, true);
    if (maxFrameBytes < HEADER_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes too small for a frame header: maxFrameBytes="
          + maxFrameBytes + " (>= " + HEADER_BYTES + ")");
    }
    this.maxFrameBytes = maxFrameBytes;
    setCumulator(new FrameCumulator(maxFrameBytes));
  }

  private static int saturatedAdd(int a, int b) {
    long sum = (long) a + b;
    return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
  }

  @Override
  protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
    // Remembered only to name the offending size in FrameTooLargeException.
    lastFrameBytes = super.getUnadjustedFrameLength(buf, offset, length, order);
    return lastFrameBytes;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    try {
      return super.decode(ctx, in);
    } catch (TooLongFrameException e) {
      throw new FrameTooLargeException(lastFrameBytes, maxFrameBytes);
    }
  }
}
