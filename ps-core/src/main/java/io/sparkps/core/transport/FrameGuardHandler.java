package io.sparkps.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.MalformedMessageException;
import io.sparkps.core.protocol.MessageType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
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
 * connection, so a peer cannot hold it open by trickling.
 *
 * <p>On accepted channels, once authenticated, a frame longer than {@link #RESERVE_ABOVE} reserves
 * its length from the component's inbound budget ({@link InboundHandOver#budget()}) as soon as its
 * length field is read, before any more of its bytes go on to the frame decoder. Without room it
 * forwards the bytes before that point, keeps the rest of the buffer (at most a read), stops
 * reading ({@link ReadGate#INBOUND}; reads the decoder asks for meanwhile are dropped) and waits
 * FIFO for a grant. The chunk that completes a reserved frame is forwarded on its own, with the
 * reservation offered to the decoded request ({@link InboundHandOver}); what nobody adopts returns
 * after the forward, and a reservation still held returns when the channel closes. Per channel;
 * event loop only.
 */
final class FrameGuardHandler extends ChannelDuplexHandler {

  /** Frames up to this length (a read's worth of small frames) reserve no inbound bytes. */
  static final int RESERVE_ABOVE = 64 << 10;

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

  private final ReadGate gate;
  /** Null on outgoing channels: they reserve nothing. */
  private final InboundHandOver handOver;
  private final long maxFrameBytes;
  /** The current frame's length field was just read and it needs a reservation. */
  private boolean mustReserve;
  /** A reserved frame just completed: forward up to here with its reservation offered. */
  private boolean reservedFrameDone;
  /** Inbound bytes held for the current frame. */
  private long reserved;
  /** Buffers (or their rests) kept while waiting for inbound bytes, in arrival order. */
  private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
  /** Waiting in the inbound budget's queue (or its grant is on the way). */
  private InboundWaiter waiter;
  private ChannelHandlerContext ctx;
  private boolean closed;

  FrameGuardHandler(Duration frameTimeout, Ticker ticker) {
    this(frameTimeout, ticker, null, null, Integer.MAX_VALUE);
  }

  /**
   * @param gate this channel's read gate; null to toggle {@code autoRead} directly
   * @param handOver the accepted channel's hand-over to admission; null for outgoing channels
   *     (no inbound reservations)
   */
  FrameGuardHandler(Duration frameTimeout, Ticker ticker, ReadGate gate, InboundHandOver handOver,
      long maxFrameBytes) {
    this.frameTimeoutNanos = frameTimeout.toNanos();
    this.ticker = ticker;
    this.gate = gate;
    this.handOver = handOver;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** The handshake succeeded: any frame may follow. */
  void authenticated() {
    authenticated = true;
  }

  /** Drops everything that arrives from now on and stops reading; the connection is closing. */
  void shut(ChannelHandlerContext ctx) {
    shut = true;
    if (gate != null) {
      gate.close(ReadGate.SHUT);
    } else {
      ctx.channel().config().setAutoRead(false);
    }
    cancelDeadline();
    dropReservation();
  }

  /** Reads asked for (e.g. by the frame decoder wanting the rest of a frame) wait while the gate is shut. */
  @Override
  public void read(ChannelHandlerContext ctx) {
    if (gate == null || gate.isOpen()) {
      ctx.read();
    }
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
    if (authenticated && handOver != null) {
      held.add(buf);
      if (waiter == null) {
        processHeld(ctx);
      }
      armDeadline(ctx);
      return;
    }
    int start = buf.readerIndex();
    int end = buf.writerIndex();
    boolean passedWhole = false;
    try {
      while (start < end && !shut) {
        boolean judged = authenticated;
        if (judged && handOver != null) {
          // Authenticated by the frame just passed on: the rest of this buffer reserves as any later one.
          held.add(buf.retainedSlice(start, end - start));
          if (waiter == null) {
            processHeld(ctx);
          }
          break;
        }
        int i = scan(buf, start, end, judged);
        if (violation != null) {
          String why = violation;
          shut(ctx);
          ctx.fireExceptionCaught(FrameDecodeException.fatal(violationCode, why));
          return;
        }
        if (judged || i == end) {
          passedWhole |= forward(ctx, buf, start, i);
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
   * Passes bytes {@code [start, end)} of {@code buf} on: the buffer itself when that is all of it
   * (ownership moves on; returns true, the caller must not release it), else a retained slice.
   */
  private static boolean forward(ChannelHandlerContext ctx, ByteBuf buf, int start, int end) {
    if (start == buf.readerIndex() && end == buf.writerIndex()) {
      ctx.fireChannelRead(buf);
      return true;
    }
    ctx.fireChannelRead(buf.retainedSlice(start, end - start));
    return false;
  }

  /** Passes held buffers on, in order, until they are done or a frame waits for inbound bytes. */
  private void processHeld(ChannelHandlerContext ctx) {
    ByteBuf buf;
    while (waiter == null && !shut && (buf = held.poll()) != null) {
      forwardReserving(ctx, buf);
    }
    if (shut) {
      releaseHeld();
    }
  }

  /**
   * Authenticated with inbound accounting: forwards {@code buf} (owned) up to where a big frame
   * needs inbound bytes that are not there; keeps the rest in {@link #held} and waits.
   */
  private void forwardReserving(ChannelHandlerContext ctx, ByteBuf buf) {
    int start = buf.readerIndex();
    int end = buf.writerIndex();
    boolean passedWhole = false;
    try {
      while (start < end && !shut) {
        int i = scan(buf, start, end, true);
        if (reservedFrameDone) {
          reservedFrameDone = false;
          long bytes = reserved;
          reserved = 0;
          handOver.offer(frameLength, bytes);
          try {
            passedWhole |= forward(ctx, buf, start, i);
          } finally {
            handOver.budget().release(handOver.withdraw());
          }
          start = i;
          continue;
        }
        if (i > start) {
          passedWhole |= forward(ctx, buf, start, i);
          start = i;
        }
        if (mustReserve) {
          mustReserve = false;
          if (shut) {
            break;
          }
          long bytes = frameLength;
          if (handOver.budget().tryAcquire(bytes)) {
            reserved = bytes;
            continue;
          }
          if (start < end) {
            held.addFirst(buf.retainedSlice(start, end - start));
          }
          start = end;
          awaitInbound(ctx, bytes);
        }
      }
    } finally {
      if (!passedWhole) {
        buf.release();
      }
    }
  }

  private void awaitInbound(ChannelHandlerContext ctx, long bytes) {
    waiter = new InboundWaiter(bytes);
    gate.close(ReadGate.INBOUND);
    handOver.budget().changed(1, 1);
    handOver.budget().await(waiter);
  }

  /** A place in the inbound budget's queue; granted on any thread, acted on on the event loop. */
  private final class InboundWaiter implements PendingBytes.Waiter {
    private final long bytes;

    InboundWaiter(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public long bytes() {
      return bytes;
    }

    @Override
    public void granted() {
      try {
        ctx.executor().execute(() -> onGranted(this));
      } catch (RejectedExecutionException e) {
        handOver.budget().release(bytes);  // the event loop is gone, and with it the channel
      }
    }
  }

  private void onGranted(InboundWaiter w) {
    if (waiter != w) {
      handOver.budget().release(w.bytes);  // withdrawn meanwhile (shut or closed)
      return;
    }
    waiter = null;
    handOver.budget().changed(-1, -1);
    if (shut || closed) {
      handOver.budget().release(w.bytes);
      return;
    }
    reserved = w.bytes;
    frameStartNanos = ticker.read();  // the wait was ours, not the peer's
    processHeld(ctx);
    ctx.fireChannelReadComplete();
    if (waiter == null && !shut) {
      gate.open(ReadGate.INBOUND);
    }
    armDeadline(ctx);
  }

  /** Returns this channel's inbound bytes and kept buffers; the connection goes no further. */
  private void dropReservation() {
    if (handOver == null) {
      return;
    }
    if (waiter != null) {
      InboundWaiter w = waiter;
      waiter = null;
      handOver.budget().changed(-1, -1);
      // Not in the queue any more: granted, and onGranted (finding waiter != w) returns the bytes.
      handOver.budget().cancel(w);
    }
    if (reserved > 0) {
      long bytes = reserved;
      reserved = 0;
      handOver.budget().release(bytes);
    }
    releaseHeld();
  }

  private void releaseHeld() {
    ByteBuf buf;
    while ((buf = held.poll()) != null) {
      buf.release();
    }
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
          if (authenticated && handOver != null && frameLength > RESERVE_ABOVE && frameLength <= maxFrameBytes) {
            mustReserve = true;  // the caller reserves before any byte after the length field goes on
            return i;
          }
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
        if (reserved > 0) {
          reservedFrameDone = true;  // forwarded on its own, with its reservation offered
          return i;
        }
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
    close();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
    close();
  }

  /** The channel is gone: every inbound byte it holds returns, once. */
  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    dropReservation();
  }
}

