package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * Turns one frame (from {@link FrameDecoder}, length field stripped) into an {@link Envelope}:
 * checks the version, looks up the type, reads the request id and calls the type's decoder.
 * Takes ownership of the frame and releases it in all cases; the emitted envelope holds no
 * buffers. Failures go down the pipeline as {@link FrameDecodeException} via
 * {@code exceptionCaught}. A VALUES reply is first offered to the channel's
 * {@link #DIRECT_REPLIES} hook, if it has one, which may copy it straight into the requester's
 * array; then nothing goes down the pipeline for it. Stateless: one shared instance.
 */
@ChannelHandler.Sharable
public final class MessageDecoder extends ChannelInboundHandlerAdapter {

  public static final MessageDecoder INSTANCE = new MessageDecoder();

  /**
   * The channel's {@link DirectReplies}, set by the requester once the channel is authenticated
   * (so nothing an unauthenticated peer sends reaches it) and cleared when it stops trusting the
   * stream.
   */
  public static final AttributeKey<DirectReplies> DIRECT_REPLIES = AttributeKey.valueOf("sparkps.directReplies");

  private MessageDecoder() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Envelope envelope;
    try {
      if (offeredDirectly(ctx, frame)) {
        return;
      }
      envelope = decode(frame);
    } catch (FrameDecodeException e) {
      ctx.fireExceptionCaught(e);
      return;
    } finally {
      frame.release();
    }
    ctx.fireChannelRead(envelope);
  }

  /** Whether the channel's {@link DirectReplies} took this frame (a VALUES reply it awaits). */
  private static boolean offeredDirectly(ChannelHandlerContext ctx, ByteBuf frame) {
    int at = frame.readerIndex();
    if (frame.readableBytes() < FrameDecoder.HEADER_BYTES || frame.getByte(at) != ProtocolVersion.CURRENT
        || frame.getByte(at + 1) != MessageType.VALUES.id()) {
      return false;
    }
    DirectReplies direct = ctx.channel().attr(DIRECT_REPLIES).get();
    long requestId = frame.getLongLE(at + 2);
    if (direct == null || requestId == 0) {
      return false;
    }
    frame.readerIndex(at + FrameDecoder.HEADER_BYTES);
    if (direct.values(requestId, frame)) {
      return true;
    }
    frame.readerIndex(at);
    return false;
  }

  /**
   * Decodes a frame without its length field. Does not take ownership of {@code frame}.
   *
   * @throws FrameDecodeException fatal for header problems, non-fatal (with the request id)
   *     for body problems
   */
  public static Envelope decode(ByteBuf frame) {
    int frameBytes = frame.readableBytes();
    if (frameBytes == 0) {
      throw FrameDecodeException.fatal(ErrorCode.MALFORMED_FRAME,
          "empty frame: bytes=0 (>= " + FrameDecoder.HEADER_BYTES + ")");
    }
    byte version = frame.readByte();
    if (version != ProtocolVersion.CURRENT) {
      throw FrameDecodeException.fatal(ErrorCode.UNSUPPORTED_VERSION, "unsupported protocol version: "
          + "got " + version + ", this peer speaks " + ProtocolVersion.CURRENT
          + " (run the same spark-ps release on both sides)");
    }
    if (frameBytes < FrameDecoder.HEADER_BYTES) {
      throw FrameDecodeException.fatal(ErrorCode.MALFORMED_FRAME, "frame too short for its header: "
          + "bytes=" + frameBytes + " (>= " + FrameDecoder.HEADER_BYTES + ")");
    }
    byte typeId = frame.readByte();
    long requestId = frame.readLongLE();
    MessageType type;
    try {
      type = MessageType.fromId(typeId);
    } catch (MalformedMessageException e) {
      throw FrameDecodeException.fatal(ErrorCode.MALFORMED_FRAME,
          e.getMessage() + ", requestId=" + requestId);
    }
    Message message;
    try {
      message = type.decode(frame);
    } catch (RuntimeException e) {
      // Spec validation (IllegalArgumentException), short bodies (IndexOutOfBoundsException)
      // and bad counts (MalformedMessageException) all mean the same thing to the peer.
      String detail = e instanceof IndexOutOfBoundsException ? "body truncated (" + e.getMessage() + ")"
          : e.getMessage();
      throw FrameDecodeException.body(requestId, type,
          "malformed " + type + " body: " + detail + ", requestId=" + requestId, e);
    }
    if (frame.isReadable()) {
      throw FrameDecodeException.body(requestId, type, "malformed " + type + " body: trailing bytes="
          + frame.readableBytes() + " (expected 0), requestId=" + requestId, null);
    }
    return new Envelope(requestId, message);
  }
}
