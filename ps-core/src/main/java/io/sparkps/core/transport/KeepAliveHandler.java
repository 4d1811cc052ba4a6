package io.sparkps.core.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle policy of an authenticated connection, started by the auth handler: every third of
 * {@code idleTimeout} it sends a {@linkplain #isPing ping} (a one-way OK, which the receiving
 * auth handler drops) if nothing else was written meanwhile, and closes the connection when
 * nothing at all arrived for {@code idleTimeout} while reading. So a live peer, even one pausing
 * for hours between epochs, keeps its connection, and a silent one loses it. Sits first in the
 * pipeline to see every byte either way. Per channel; event loop only.
 */
final class KeepAliveHandler extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(KeepAliveHandler.class);

  private final long idleNanos;
  private final Ticker ticker;
  private final String remoteAddress;
  private long lastReadNanos;
  private long lastWriteNanos;
  private ScheduledFuture<?> timer;
  private ChannelHandlerContext ctx;

  KeepAliveHandler(Duration idleTimeout, Ticker ticker, String remoteAddress) {
    this.idleNanos = idleTimeout.toNanos();
    this.ticker = ticker;
    this.remoteAddress = remoteAddress;
  }

  /** The message a side sends to show it is alive; carries nothing and gets no answer. */
  static boolean isPing(Envelope e) {
    return e.requestId() == 0 && e.message() instanceof OkMessage;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Starts the checks (authentication just succeeded). */
  void start() {
    long now = ticker.read();
    lastReadNanos = now;
    lastWriteNanos = now;
    long period = Math.max(1, idleNanos / 3);
    timer = ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      stop();
      return;
    }
    long now = ticker.read();
    if (!ctx.channel().config().isAutoRead()) {
      lastReadNanos = now; // not reading (backpressure): silence is ours, not the peer's
    } else if (now - lastReadNanos >= idleNanos) {
      LOG.info("closing connection to {}: nothing received for {} ms (idleTimeout={})", remoteAddress,
          (now - lastReadNanos) / 1_000_000, Duration.ofNanos(idleNanos));
      stop();
      ctx.close();
      return;
    }
    if (now - lastWriteNanos >= idleNanos / 3) {
      Message ping = new OkMessage();
      ctx.channel().writeAndFlush(new Envelope(0, ping));
    }
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastReadNanos = ticker.read();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    lastWriteNanos = ticker.read();
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }
}
