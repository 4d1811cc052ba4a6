package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Turns an outbound {@link Envelope} into one frame:
 * {@code [int32 LE length][version][type][int64 LE requestId][body]}. Allocates exactly the
 * frame's size and fails loudly (failing the write's promise) when a message writes a different
 * number of bytes than its {@code encodedLength()} says. An {@link EncodedFrame} is passed on as
 * it is, with its request id filled in (its buffer is then the channel's to release). Other
 * outbound objects pass through.
 * Stateless: one shared instance.
 */
@ChannelHandler.Sharable
public final class MessageEncoder extends ChannelOutboundHandlerAdapter {

  public static final MessageEncoder INSTANCE = new MessageEncoder();

  private MessageEncoder() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof Envelope envelope)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf frame;
    try {
      // Encoded on the shard lane already: only the request id is left to fill in.
      frame = envelope.message() instanceof EncodedFrame encoded
          ? encoded.takeFrame(envelope.requestId())
          : encode(ctx.alloc(), envelope);
    } catch (RuntimeException e) {
      if (envelope.message() instanceof EncodedFrame encoded) {
        encoded.releaseIfNotTaken();  // never passed on: this handler is its last holder
      }
      promise.setFailure(e);
      return;
    }
    ctx.write(frame, promise);
  }

  /** Encodes one frame into a new buffer the caller owns (and must release or write). */
  public static ByteBuf encode(ByteBufAllocator alloc, Envelope envelope) {
    Message message = envelope.message();
    int body = message.encodedLength();
    long frameBytes = (long) FrameDecoder.LENGTH_FIELD_BYTES + FrameDecoder.HEADER_BYTES + body;
    if (body < 0 || frameBytes > Integer.MAX_VALUE) {
      throw new IllegalStateException("message too large to encode: type=" + message.type()
          + ", encodedLength=" + body + " ([0, " + (Integer.MAX_VALUE - 14) + "])");
    }
    int total = (int) frameBytes;
    // maxCapacity == capacity: a message writing more than it announced fails on the write.
    ByteBuf buf = alloc.directBuffer(total, total);
    boolean ok = false;
    try {
      buf.writeIntLE(total - FrameDecoder.LENGTH_FIELD_BYTES);
      buf.writeByte(ProtocolVersion.CURRENT);
      buf.writeByte(message.type().id());
      buf.writeLongLE(envelope.requestId());
      message.encode(buf);
      if (buf.writerIndex() != total) {
        throw new IllegalStateException("encodedLength disagrees with encode: type="
            + message.type() + ", encodedLength=" + body + ", written="
            + (buf.writerIndex() - (total - body)));
      }
      ok = true;
      return buf;
    } finally {
      if (!ok) {
        buf.release();
      }
    }
  }
}
