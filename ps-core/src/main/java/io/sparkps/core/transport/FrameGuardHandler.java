package io.sparkps.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.MalformedMessageException;
import io.sparkps.core.protocol.MessageType;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * First inbound handler: follows frame boundaries in the raw byte stream without buffering
 * anything. Before authentication it lets through only handshake frames of at most
 * {@link #HANDSHAKE_MAX_FRAME_BYTES} (and the error refusing one), judged from their first six
 * bytes, one frame at a time, so that the auth handler has decided before the next frame is
 * looked at; anything else stops reading and goes down as a fatal error (FRAME_TOO_LARGE or
 * UNAUTHENTICATED), its bytes dropped undecoded. At any time a frame must arrive whole within {@code frameTimeout} of its first byte
 * (time with reading paused by backpressure does not count), else a fatal error closes the
 * connection, so a peer cannot hold it open by trickling. Per channel; event loop only.
 */
final class FrameGuardHandler extends ChannelInboundHandlerAdapter {

  /** Largest handshake frame (after the length field); ours are under 200 bytes. */
  static final int HANDSHAKE_MAX_FRAME_BYTES = 1024;
  private static final int LENGTH_BYTES = 4;
  /** Length field, version and type: enough to judge a frame before authentication. */
  private static final int HEAD_BYTES = LENGTH_BYTES + 2;

  private final long frameTimeoutNanos;
  private final Ticker ticker;
  private final byte[] head = new byte[HEAD_BYTES];
  private int headFill;
  private int headTarget = LENGTH_BYTES;
  private long frameLength;
  private long remaining;
  private long frameStartNanos;
  private boolean authenticated;
  private boolean shut;
  private String violation;
  private ErrorCode violationCode;
  private ScheduledFuture<?> deadline;

  FrameGuardHandler(Duration frameTimeout, Ticker ticker) {
    this.frameTimeoutNanos = frameTimeout.toNanos();
    this.ticker = ticker;
  }

  /** The handshake succeeded: any frame may follow. */
  void authenticated() {
    authenticated = true;
  }

  /** Drops everything that arrives from now on and stops reading; the connection is closing. */
  void shut(ChannelHandlerContext ctx) {
    shut = true;
    ctx.channel().config().setAutoRead(false);
    cancelDeadline();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (shut) {
      buf.release();
      return;
    }
    int first = buf.readerIndex();
    int start = first;
    int end = buf.writerIndex();
    boolean passedWhole = false;
    try {
      while (start < end && !shut) {
        boolean judged = authenticated;
        int i = scan(buf, start, end, judged);
        if (violation != null) {
          String why = violation;
          shut(ctx);
          ctx.fireExceptionCaught(FrameDecodeException.fatal(violationCode, why));
          return;
        }
        if (judged || i == end) {
          if (start == first && i == end) {
            passedWhole = true;
            ctx.fireChannelRead(buf);
          } else {
            ctx.fireChannelRead(buf.retainedSlice(start, i - start));
          }
          start = i;
          if (judged) {
            break;
          }
        } else {
          // A whole handshake frame: hand it on alone, so its verdict is known before the next.
          ctx.fireChannelRead(buf.retainedSlice(start, i - start));
          start = i;
        }
      }
    } finally {
      if (!passedWhole) {
        buf.release();
      }
    }
    armDeadline(ctx);
  }

  /**
   * Follows the stream from {@code i}. Unauthenticated, it stops right after a frame completes;
   * authenticated ({@code toEnd}), it runs to {@code end}. Sets {@link #violation} on a frame
   * not allowed before authentication.
   */
  private int scan(ByteBuf buf, int i, int end, boolean toEnd) {
    while (i < end) {
      if (headFill < headTarget) {
        if (headFill == 0) {
          frameStartNanos = ticker.read();
        }
        head[headFill++] = buf.getByte(i++);
        if (headFill == LENGTH_BYTES) {
          frameLength = (head[0] & 0xFFL) | (head[1] & 0xFFL) << 8 | (head[2] & 0xFFL) << 16
              | (head[3] & 0xFFL) << 24;
          if (!authenticated && frameLength > HANDSHAKE_MAX_FRAME_BYTES) {
            violationCode = ErrorCode.FRAME_TOO_LARGE;
            violation = "frame of " + frameLength + " bytes before authentication (at most "
                + HANDSHAKE_MAX_FRAME_BYTES + ", handshake only)";
            return i;
          }
          headTarget = LENGTH_BYTES + (int) Math.min(2, frameLength);
        }
        if (headFill == headTarget) {
          if (!authenticated && headTarget == HEAD_BYTES && !isHandshake(head[5])) {
            violationCode = ErrorCode.UNAUTHENTICATED;
            violation = "message before authentication: type id=" + head[5]
                + "; only the handshake may come first";
            return i;
          }
          remaining = frameLength - (headTarget - LENGTH_BYTES);
        }
      } else {
        int n = (int) Math.min(remaining, end - i);
        i += n;
        remaining -= n;
      }
      if (headFill == headTarget && remaining == 0 && headFill >= LENGTH_BYTES) {
        headFill = 0;
        headTarget = LENGTH_BYTES;
        if (!toEnd) {
          return i;
        }
      }
    }
    return i;
  }

  /** Handshake messages, and the error that refuses a handshake. */
  private static boolean isHandshake(byte typeId) {
    try {
      MessageType type = MessageType.fromId(typeId);
      return type.isHandshake() || type == MessageType.ERROR;
    } catch (MalformedMessageException e) {
      return false; // an unknown type is not a handshake either: refused the same way
    }
  }

  private boolean inFrame() {
    return headFill > 0;
  }

  private void armDeadline(ChannelHandlerContext ctx) {
    if (shut || deadline != null || !inFrame()) {
      return;
    }
    long delay = frameStartNanos + frameTimeoutNanos - ticker.read();
    deadline = ctx.executor().schedule(() -> checkDeadline(ctx), Math.max(0, delay), TimeUnit.NANOSECONDS);
  }

  private void checkDeadline(ChannelHandlerContext ctx) {
    deadline = null;
    if (shut || !inFrame() || !ctx.channel().isActive()) {
      return;
    }
    long now = ticker.read();
    if (!ctx.channel().config().isAutoRead()) {
      frameStartNanos = now; // not reading (backpressure): not the peer's delay
    } else if (now - frameStartNanos >= frameTimeoutNanos) {
      long took = now - frameStartNanos;
      shut(ctx);
      ctx.fireExceptionCaught(FrameDecodeException.fatal(ErrorCode.MALFORMED_FRAME, "frame not complete "
          + Duration.ofNanos(took).toMillis() + " ms after its first byte (frameTimeout="
          + Duration.ofNanos(frameTimeoutNanos) + "); closing"));
      return;
    }
    armDeadline(ctx);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
  }
}

