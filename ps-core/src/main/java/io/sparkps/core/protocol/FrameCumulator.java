package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * The frame decoder's cumulator: once the length field of a large frame is in, the cumulation
 * is replaced by one buffer sized for the whole frame, so the frame's bytes are copied into it
 * once. Netty's default ({@link ByteToMessageDecoder#MERGE_CUMULATOR}) grows the cumulation as
 * reads arrive, copying everything received so far at each growth: a 4 MiB frame arriving in
 * 64 KiB reads was copied about three times (the profile in docs/benchmarks.md). Frames up to
 * {@link #PRESIZE_ABOVE} bytes, and lengths the decoder will refuse, use the default.
 *
 * <p>Memory: the buffer is allocated when the frame's next bytes arrive. On accepted channels the
 * frame guard forwards nothing after a large frame's length field until the frame's length has
 * been reserved from the component's inbound budget, so this allocation is always covered by a
 * reservation; on outgoing channels the peer is the authenticated server the client chose, which
 * only sends replies of the sizes it was asked for. Stateless: one shared instance per limit.
 */
final class FrameCumulator implements ByteToMessageDecoder.Cumulator {

  /** Frames at most this long (after the length field) grow the default way. */
  static final int PRESIZE_ABOVE = 64 << 10;

  /** Room kept after the frame: a socket read's worth (Netty reads at most 64 KiB at a time). */
  static final int SLACK = 64 << 10;

  private final int maxFrameBytes;

  FrameCumulator(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
    int frameBytes = wholeFrameBytes(cumulation);
    int have = cumulation.readableBytes();
    if (frameBytes <= 0 || cumulation == in || frameBytes <= have
        || cumulation.writableBytes() >= frameBytes - have) {
      return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }
    // Room for the whole frame and a read's worth beyond it: the read that completes the frame
    // usually brings the next frame's first bytes, and growing the buffer then would copy it all again.
    int capacity = (int) Math.min(Integer.MAX_VALUE, Math.max((long) frameBytes + SLACK, (long) have + in.readableBytes()));
    ByteBuf sized = alloc.directBuffer(capacity);
    try {
      sized.writeBytes(cumulation, cumulation.readerIndex(), have);
      sized.writeBytes(in, in.readerIndex(), in.readableBytes());
    } catch (RuntimeException e) {
      sized.release();
      in.release();
      throw e;
    }
    cumulation.release();
    in.release();
    return sized;
  }

  /**
   * Length field plus body of the frame at the start of {@code cumulation}, when its length field
   * is in, names a large frame and is within the limit; 0 otherwise.
   */
  private int wholeFrameBytes(ByteBuf cumulation) {
    if (cumulation.readableBytes() < FrameDecoder.LENGTH_FIELD_BYTES) {
      return 0;
    }
    long length = cumulation.getUnsignedIntLE(cumulation.readerIndex());
    if (length <= PRESIZE_ABOVE || length > maxFrameBytes || length > Integer.MAX_VALUE - FrameDecoder.LENGTH_FIELD_BYTES) {
      return 0;
    }
    return (int) (length + FrameDecoder.LENGTH_FIELD_BYTES);
  }
}
