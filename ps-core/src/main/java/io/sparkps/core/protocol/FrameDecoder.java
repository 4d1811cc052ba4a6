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
 * A large VALUES reply that the channel's {@link DirectReplies} claims is not emitted: its floats
 * are copied into the requester's array read by read ({@link ValuesStream}), without gathering
 * the frame first.
 * Per channel (holds the cumulation buffer): never share an instance.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

  /** Bytes of the length field that starts every frame. */
  public static final int LENGTH_FIELD_BYTES = 4;
  /** Bytes after the length field and before the body: version, type, request id. */
  public static final int HEADER_BYTES = 1 + 1 + 8;

  /** VALUES replies longer than this (after the length field) are streamed when claimed. */
  static final int STREAM_ABOVE = FrameCumulator.PRESIZE_ABOVE;
  /** Length field, header and float count: what a VALUES reply must show before it is claimed. */
  private static final int STREAM_HEAD_BYTES = LENGTH_FIELD_BYTES + HEADER_BYTES + 4;

  private final int maxFrameBytes;
  private long lastFrameBytes;
  /** The claimed VALUES reply being streamed into its target, or null. */
  private ValuesStream stream;
  /** The superclass has begun a frame (read its length): it decodes it to the end. */
  private boolean delegating;
  /**
   * Set by a frame over the limit: the superclass then skips its bytes over later reads, so no
   * frame start can be read from the stream here any more.
   */
  private boolean streamingOff;

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
    if (stream != null) {
      if (stream.write(in)) {
        stream = null;
      }
      return null;
    }
    if (!delegating && !streamingOff) {
      int start = startStream(ctx, in);
      if (start != NOT_STREAMED) {
        return null;  // streamed (bytes consumed: the caller loops) or waiting for the rest of the head
      }
    }
    Object frame;
    try {
      frame = super.decode(ctx, in);
    } catch (TooLongFrameException e) {
      streamingOff = true;
      throw new FrameTooLargeException(lastFrameBytes, maxFrameBytes);
    }
    // Null with a length field in: the superclass holds that frame's state until it emits it.
    delegating = frame == null && in.readableBytes() >= LENGTH_FIELD_BYTES;
    return frame;
  }

  private static final int NOT_STREAMED = 0;
  private static final int STREAMING = 1;
  private static final int WAITING = 2;

  /**
   * Starts streaming the frame at the reader index when it is a large VALUES reply the channel's
   * {@link DirectReplies} claims: consumes its head and what of its floats is here. Waits (consuming
   * nothing) while a large frame's head is incomplete; anything else is left to the superclass.
   */
  private int startStream(ChannelHandlerContext ctx, ByteBuf in) {
    if (in.readableBytes() < LENGTH_FIELD_BYTES) {
      return NOT_STREAMED;
    }
    int at = in.readerIndex();
    long length = in.getUnsignedIntLE(at);
    if (length <= STREAM_ABOVE || length > maxFrameBytes) {
      return NOT_STREAMED;
    }
    DirectReplies direct = ctx.channel().attr(MessageDecoder.DIRECT_REPLIES).get();
    if (direct == null) {
      return NOT_STREAMED;
    }
    if (in.readableBytes() < STREAM_HEAD_BYTES) {
      return WAITING;
    }
    long requestId = in.getLongLE(at + LENGTH_FIELD_BYTES + 2);
    long count = in.getUnsignedIntLE(at + LENGTH_FIELD_BYTES + HEADER_BYTES);
    if (in.getByte(at + LENGTH_FIELD_BYTES) != ProtocolVersion.CURRENT
        || in.getByte(at + LENGTH_FIELD_BYTES + 1) != MessageType.VALUES.id() || requestId == 0
        || length != HEADER_BYTES + 4 + 4 * count) {
      return NOT_STREAMED;  // not a well-formed VALUES reply: the ordinary path decodes or refuses it
    }
    ValuesStream.Claim claim = direct.claim(requestId, (int) count);
    if (claim == null) {
      return NOT_STREAMED;
    }
    in.skipBytes(STREAM_HEAD_BYTES);
    stream = new ValuesStream(claim);
    if (stream.write(in)) {
      stream = null;
    }
    return STREAMING;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    abortStream();
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    abortStream();
    super.handlerRemoved0(ctx);
  }

  /** A reply cut off mid-frame fails its request (it is no longer outstanding: nobody else would). */
  private void abortStream() {
    if (stream != null) {
      ValuesStream s = stream;
      stream = null;
      s.abort(new java.nio.channels.ClosedChannelException());
    }
  }
}
