package io.sparkps.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.local.LocalChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A listening socket created by {@link PsTransportContext#createServer} and the connections it
 * accepted. {@link #close()} closes both; it is idempotent. Thread-safe.
 */
public final class TransportServer implements AutoCloseable {

  /** Bounded wait for sockets to close, so close() returns with the port released. */
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final String host;
  private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Consumer<TransportServer> onClose;
  private volatile Channel serverChannel;
  /** The in-process listener beside the TCP one, and what undoes its registration; null without. */
  private volatile Channel inProcessChannel;
  private volatile Runnable unregisterInProcess;
  private volatile int port;
  private volatile ConnectionLimits limits;

  TransportServer(String host, Consumer<TransportServer> onClose) {
    this.host = host;
    this.onClose = onClose;
  }

  /** Set before the bind: the caps and refusal counts of this listener. */
  void limits(ConnectionLimits connectionLimits) {
    this.limits = connectionLimits;
  }

  ConnectionLimits limits() {
    return limits;
  }

  /** Connections open and refused so far (see {@link ListenerStats}). */
  public ListenerStats stats() {
    return limits.stats();
  }

  /** Called once the bind succeeded. */
  void bound(Channel channel, int boundPort) {
    this.serverChannel = channel;
    this.port = boundPort;
  }

  /** Called once the in-process listener is bound (see {@code PsConfig.inProcessConnections}). */
  void boundInProcess(Channel channel, Runnable unregister) {
    this.inProcessChannel = channel;
    this.unregisterInProcess = unregister;
    if (closed.get()) {
      unregister.run();
      channel.close();
    }
  }

  /** Tracks an accepted channel (event loop); a channel accepted during close() is closed. */
  void accepted(Channel channel) {
    accepted.add(channel);
    channel.closeFuture().addListener(f -> accepted.remove(channel));
    if (closed.get()) {
      channel.close();
    }
  }

  /** The address it was bound to. */
  public String host() {
    return host;
  }

  /** The port it listens on (the real one when 0 was asked for). */
  public int port() {
    return port;
  }

  /** Connections currently open on this server that came in-process (see {@code PsConfig.inProcessConnections}). */
  public int inProcessConnectionCount() {
    return (int) accepted.stream().filter(ch -> ch instanceof LocalChannel).count();
  }

  /** Connections currently open on this server. */
  public int connectionCount() {
    return accepted.size();
  }

  /** Closes the listening socket and every accepted connection (bounded wait). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<ChannelFuture> closing = new ArrayList<>();
    Runnable unregister = unregisterInProcess;
    if (unregister != null) {
      unregister.run();
    }
    for (Channel listener : new Channel[] {serverChannel, inProcessChannel}) {
      if (listener != null) {
        closing.add(listener.close());
      }
    }
    for (Channel ch : accepted) {
      closing.add(ch.close());
    }
    for (ChannelFuture f : closing) {
      awaitQuietly(f);
    }
    onClose.accept(this);
  }

  static void awaitQuietly(ChannelFuture f) {
    // Waiting on an event loop for its own channel would deadlock; Netty refuses it anyway.
    if (!f.channel().eventLoop().inEventLoop()) {
      f.awaitUninterruptibly(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public String toString() {
    return "TransportServer{" + host + ":" + port + ", connections=" + accepted.size() + "}";
  }
}
