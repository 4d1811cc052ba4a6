package io.sparkps.core.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.FrameAllocator;
import io.sparkps.core.protocol.FrameDecoder;
import io.sparkps.core.protocol.MessageDecoder;
import io.sparkps.core.protocol.MessageEncoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the event loops and callback threads of one component (server, scheduler or client),
 * creates its servers and outgoing connections, and is the only place that builds channel
 * pipelines ({@link #initializePipeline}). Thread-safe; {@link #close()} is idempotent.
 */
public final class PsTransportContext implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsTransportContext.class);
  /** Bounded waits in close(): a stuck peer must not hang shutdown. */
  private static final long SHUTDOWN_QUIET_MILLIS = 0;
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 3_000;
  private static final long AWAIT_MILLIS = 5_000;
  /**
   * Outbound bytes of an accepted channel above which it is not writable (and is no longer read,
   * see {@link RequestAdmission}), and below which it is writable again.
   */
  static final WriteBufferWaterMark SERVER_WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);

  private final PsConfig config;
  private final PsRole role;
  private final Ticker ticker = Ticker.systemTicker();
  /** Frames this component's peers got wrong, logged at most once per interval for all its connections. */
  private final RateLimitedLog peerErrors = new RateLimitedLog(LoggerFactory.getLogger(PsChannelHandler.class),
      ticker, PsChannelHandler.PEER_ERROR_LOG_INTERVAL);
  private final String threadNamePrefix;
  private final boolean nativeTransport;
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverChannelClass;
  private final Class<? extends SocketChannel> socketChannelClass;
  private final CallbackThreadFactory callbackThreads;
  private final ExecutorService callbackExecutor;
  private final SecureRandom random = new SecureRandom();
  private final Set<TransportServer> servers = ConcurrentHashMap.newKeySet();
  private final Set<Channel> clientChannels = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Null when the data plane is not encrypted. */
  private final TlsChannels tls;
  private final PendingBytes pendingBytes;
  /** Inbound bytes in transit: big frames being received on accepted, authenticated channels. */
  private final PendingBytes inboundBytes;

  /**
   * Starts {@code config.ioThreads()} event loops (epoll when available and
   * {@code config.preferNativeTransport()}, NIO otherwise) and a callback pool of
   * max(2, cores) daemon threads named {@code threadNamePrefix-callback-N}.
   *
   * @throws IllegalArgumentException {@code config.tls()} holds unusable key material
   */
  public PsTransportContext(PsConfig config, String threadNamePrefix) {
    this(config, threadNamePrefix, PsRole.WORKER);
  }

  /**
   * As {@link #PsTransportContext(PsConfig, String)}, for a component of {@code role}: the role it
   * proves when it dials and announces when it accepts (see {@link PsRole}).
   */
  public PsTransportContext(PsConfig config, String threadNamePrefix, PsRole role) {
    this.role = Objects.requireNonNull(role, "role");
    this.config = Objects.requireNonNull(config, "config");
    this.threadNamePrefix = Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
    // Before any thread starts: unusable key material fails here.
    this.tls = config.encryptionEnabled() ? new TlsChannels(config.tls(), config.connectTimeout()) : null;
    this.nativeTransport = config.preferNativeTransport() && Epoll.isAvailable();
    IoHandlerFactory io = nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
        new DefaultThreadFactory(threadNamePrefix + "-io", true), io);
    this.serverChannelClass = nativeTransport ? EpollServerSocketChannel.class
        : NioServerSocketChannel.class;
    this.socketChannelClass = nativeTransport ? EpollSocketChannel.class : NioSocketChannel.class;
    this.pendingBytes = new PendingBytes(config.maxPendingBytes());
    this.inboundBytes = new PendingBytes(config.maxPendingBytes());
    this.callbackThreads = new CallbackThreadFactory(threadNamePrefix + "-callback");
    this.callbackExecutor = Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), callbackThreads);
    LOG.debug("transport context {} started: native={}, ioThreads={}", threadNamePrefix,
        nativeTransport, config.ioThreads());
  }

  /**
   * Binds a server synchronously ({@code port} 0 picks a free port) whose accepted connections
   * are served by {@code handler} once authenticated. Must not be called on an event loop.
   */
  public TransportServer createServer(String host, int port, RequestHandler handler)
      throws PsTransportException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(handler, "handler");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: port=" + port + " ([0, 65535])");
    }
    if (closed.get()) {
      throw new IllegalStateException("transport context is closed: name=" + threadNamePrefix);
    }
    if (tls != null && !tls.canServe()) {
      throw new IllegalStateException("TLS is on but " + threadNamePrefix + " has no key and"
          + " certificate to serve with: servers and the scheduler need a TlsConfig with an identity");
    }
    TransportServer server = new TransportServer(host, servers::remove);
    server.limits(new ConnectionLimits(config.limits(), threadNamePrefix + " " + host + ":" + port, ticker));
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(serverChannelClass)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.ALLOCATOR, FrameAllocator.INSTANCE)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOCATOR, FrameAllocator.INSTANCE)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, SERVER_WATER_MARK)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            server.accepted(ch);
            String remote = address(ch.remoteAddress());
            ConnectionLimits.Admission admission = server.limits().admit(ch, remote);
            if (admission == null) {
              ch.close(); // over a cap: closed before reading a byte
              return;
            }
            initializePipeline(ch, remote, handler, null, server, admission);
          }
        });
    ChannelFuture bind = bootstrap.bind(host, port);
    if (!bind.awaitUninterruptibly(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      bind.channel().close();
      throw new PsTimeoutException("binding a server to " + host + ":" + port + " did not finish"
          + " within " + config.connectTimeout() + " (connectTimeout)");
    }
    if (!bind.isSuccess()) {
      throw new PsTransportException("could not bind a server to " + host + ":" + port + ": "
          + bind.cause(), bind.cause());
    }
    Channel listener = bind.channel();
    server.bound(listener, ((InetSocketAddress) listener.localAddress()).getPort());
    servers.add(server);
    if (config.inProcessConnections()) {
      bindInProcess(server, handler);
    }
    if (closed.get()) { // raced with close(): do not leak the socket
      server.close();
      throw new IllegalStateException("transport context is closed: name=" + threadNamePrefix);
    }
    LOG.info("listening on {}:{} (native={}, auth={}, tls={})", host, server.port(), nativeTransport,
        config.authEnabled(), tls != null);
    return server;
  }

  /**
   * Lets components of this JVM reach {@code server} without TCP (see
   * {@code PsConfig.inProcessConnections}): a second, in-process listener whose channels get the
   * same pipeline (limits, handshake, admission) and handler, registered under the TCP address.
   */
  private void bindInProcess(TransportServer server, RequestHandler handler) {
    LocalAddress local = new LocalAddress("sparkps-" + server.host() + ":" + server.port());
    ChannelFuture bind = new ServerBootstrap()
        .group(InProcessListeners.group())
        .channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            server.accepted(ch);
            String remote = "in-process:" + server.port();
            ConnectionLimits.Admission admission = server.limits().admit(ch, remote);
            if (admission == null) {
              ch.close();
              return;
            }
            initializePipeline(ch, remote, handler, null, server, admission);
          }
        })
        .bind(local);
    if (!bind.awaitUninterruptibly(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS) || !bind.isSuccess()) {
      // TCP still works: callers in this JVM then connect over loopback like everyone else.
      LOG.warn("could not also listen in-process for {}:{}; connections from this JVM use TCP: {}", server.host(),
          server.port(), bind.cause() == null ? "timed out" : bind.cause().toString());
      bind.channel().close();
      return;
    }
    InProcessListeners.register(server.host(), server.port(), local);
    server.boundInProcess(bind.channel(), () -> InProcessListeners.unregister(server.host(), server.port(), local));
  }

  /**
   * Connects and authenticates. The future completes (on the callback executor) with the
   * connection after the server's AuthOk (with TLS on, after the TLS handshake too: the auth
   * handshake runs inside TLS), or fails with {@link PsAuthenticationException} (rejected, or
   * the server's certificate is not trusted), {@link PsTimeoutException} (not done within
   * {@code connectTimeout}, TLS handshake included) or {@link PsTransportException} (e.g. one side
   * uses TLS and the other does not). Resolves {@code host} on the calling thread.
   *
   * @param handler serves requests the peer sends on this connection; null to refuse them
   *     (they get an UNEXPECTED_MESSAGE error)
   */
  public CompletableFuture<Connection> connect(String host, int port, RequestHandler handler) {
    Objects.requireNonNull(host, "host");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: port=" + port + " ([1, 65535])");
    }
    CompletableFuture<Connection> result = new CompletableFuture<>();
    String remote = host + ":" + port;
    if (closed.get()) {
      result.completeExceptionally(new PsTransportException("cannot connect to " + remote
          + ": transport context " + threadNamePrefix + " is closed"));
      return result;
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      result.completeExceptionally(new PsTransportException("cannot connect to " + remote
          + ": unknown host"));
      return result;
    }
    long timeoutMillis = config.connectTimeout().toMillis();
    LocalAddress inProcess = config.inProcessConnections() ? InProcessListeners.find(address) : null;
    // The pipeline's handlers complete this one; the first outcome wins, so the TLS handlers
    // complete it on the event loop, ahead of the auth handler's "closed" that follows theirs.
    CompletableFuture<Connection> handshake = new CompletableFuture<>();
    handshake.whenCompleteAsync((connection, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else if (!result.complete(connection)) {
        connection.close();  // the connect already timed out: nobody will use this channel
      }
    }, this::runOnCallbackExecutor);
    ChannelInitializer<Channel> init = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        initializePipeline(ch, remote, handler, handshake, null, null);
      }
    };
    Bootstrap bootstrap = inProcess != null
        ? new Bootstrap().group(InProcessListeners.group()).channel(LocalChannel.class).handler(init)
        : new Bootstrap()
            .group(group)
            .channel(socketChannelClass)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, FrameAllocator.INSTANCE)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
            .handler(init);
    ChannelFuture connecting;
    try {
      connecting = inProcess != null ? bootstrap.connect(inProcess) : bootstrap.connect(address);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new PsTransportException("cannot connect to " + remote
          + ": transport context " + threadNamePrefix + " is closed", e));
      return result;
    }
    Channel channel = connecting.channel();
    clientChannels.add(channel);
    channel.closeFuture().addListener(f -> clientChannels.remove(channel));
    if (closed.get()) {
      channel.close();
    }
    // One deadline for TCP connect plus handshake.
    ScheduledFuture<?> timer;
    try {
      timer = channel.eventLoop().schedule(() -> runOnCallbackExecutor(() -> {
        if (result.completeExceptionally(new PsTimeoutException("connecting to " + remote
            + " did not complete within " + config.connectTimeout() + " (connectTimeout)"))) {
          channel.close();
        }
      }), timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      channel.close();
      result.completeExceptionally(new PsTransportException("cannot connect to " + remote
          + ": transport context " + threadNamePrefix + " is closed", e));
      return result;
    }
    result.whenComplete((c, t) -> timer.cancel(false));
    connecting.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        PsTransportException e = new PsTransportException("could not connect to " + remote + ": "
            + f.cause(), f.cause());
        runOnCallbackExecutor(() -> result.completeExceptionally(e));
      }
    });
    return result;
  }

  /**
   * The one place pipelines are built. Inbound: keep-alive (idle policy), frame guard (handshake
   * frames only before authentication, frame deadline), frame decoder, message decoder, auth
   * handler, channel handler; outbound: the message encoder, then keep-alive. The auth handler
   * depends on the side: {@code connectFuture == null} means an accepted (server) channel. With
   * TLS on, the TLS greeting ({@link TlsGreeting}), the {@code SslHandler} and the
   * {@link TlsHandshakeHandler} come first, so every frame, the auth handshake included, travels
   * encrypted.
   */
  private void initializePipeline(Channel ch, String remoteAddress, RequestHandler handler,
      CompletableFuture<Connection> connectFuture, TransportServer server,
      ConnectionLimits.Admission admission) {
    Connection connection = new Connection(ch, remoteAddress, config, callbackExecutor);
    ReadGate gate = new ReadGate(ch);
    // Inbound accounting on accepted channels only: an outgoing connection always reads its replies.
    InboundHandOver handOver = connectFuture == null ? new InboundHandOver(inboundBytes) : null;
    FrameGuardHandler guard = new FrameGuardHandler(config.limits().frameTimeout(), ticker, gate, handOver,
        config.maxFrameBytes());
    KeepAliveHandler keepAlive = new KeepAliveHandler(config.limits().idleTimeout(), ticker, remoteAddress);
    ChannelHandler auth = connectFuture == null
        ? new ServerAuthHandler(config.authKeys(), role, random, config.connectTimeout(), connection,
            ownAddresses(ch, server), server.limits(), admission, guard, keepAlive)
        : new ClientAuthHandler(config.authKeys(), role, random, connection, connectFuture,
            callbackExecutor, guard, keepAlive);
    // In-process channels carry the same frames (so nothing is shared between the two ends, and
    // every check sees what it sees over TCP), but never leave the process: nothing to encrypt.
    boolean inProcess = ch instanceof LocalChannel;
    if (tls != null && !inProcess) {
      boolean accepted = connectFuture == null;
      ch.pipeline()
          .addLast("tlsGreeting", accepted ? TlsGreeting.Writer.INSTANCE
              : new TlsGreeting.Reader(remoteAddress, connectFuture))
          .addLast("tls", accepted ? tls.newServerHandler(ch.alloc()) : tls.newClientHandler(ch.alloc()))
          .addLast("tlsHandshake", new TlsHandshakeHandler(remoteAddress, connectFuture,
              accepted ? server.limits() : null));
    }
    ch.pipeline()
        .addLast("keepAlive", keepAlive)
        .addLast("frameGuard", guard)
        .addLast("frameDecoder", new FrameDecoder(config.maxFrameBytes()))
        .addLast("messageEncoder", MessageEncoder.INSTANCE)
        .addLast("messageDecoder", MessageDecoder.INSTANCE)
        .addLast("auth", auth)
        // Per channel: holds this connection's outstanding requests.
        .addLast("handler", new PsChannelHandler(connection, handler, peerErrors));
    if (connectFuture == null) {
      // Backpressure on accepted channels only: an outgoing connection keeps reading its peer's
      // replies whatever it writes, so the peer (which pauses on its own side) can always drain.
      ch.pipeline().addBefore("handler", "admission", new RequestAdmission(pendingBytes, handler,
          remoteAddress, config.maxInFlightRequests(), config.maxConnectionPendingBytes(), config.maxFrameBytes(),
          gate, handOver));
    }
  }

  /**
   * The bytes held for requests admitted on this context's accepted connections and their
   * replies, bounded by {@code PsConfig.maxPendingBytes}.
   */
  public PendingBytes pendingBytes() {
    return pendingBytes;
  }

  /**
   * The bytes of big frames in transit on this context's accepted, authenticated connections
   * (reserved as their length field arrives, held until the decoded request's bytes return),
   * bounded by {@code PsConfig.maxPendingBytes}.
   */
  public PendingBytes inboundBytes() {
    return inboundBytes;
  }

  /** What a connector may have dialled to reach {@code server} on {@code ch}: its advertised host and the local ip. */
  private static Set<String> ownAddresses(Channel ch, TransportServer server) {
    if (!(ch instanceof SocketChannel socket)) {
      return Set.of(ClientAuthHandler.dialled(ch.localAddress()));  // the in-process listener's address
    }
    return Set.copyOf(List.of(ClientAuthHandler.dialled(ch.localAddress()),
        server.host() + ":" + socket.localAddress().getPort()));
  }

  /** Whether the epoll transport is in use. */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  /** Where futures complete and user continuations run; never an event loop. */
  public Executor callbackExecutor() {
    return callbackExecutor;
  }

  public PsConfig config() {
    return config;
  }

  /**
   * Closes every server and connection this context created, then shuts the event loops and
   * the callback pool down, waiting a bounded time. Idempotent. Called from one of this
   * context's own threads it does not wait for that thread's pool.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (TransportServer server : new ArrayList<>(servers)) {
      try {
        server.close();
      } catch (RuntimeException e) {
        LOG.warn("failed to close {}", server, e);
      }
    }
    List<ChannelFuture> closing = new ArrayList<>();
    for (Channel ch : clientChannels) {
      closing.add(ch.close());
    }
    for (ChannelFuture f : closing) {
      TransportServer.awaitQuietly(f);
    }
    Future<?> loops = group.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS,
        TimeUnit.MILLISECONDS);
    if (!onEventLoop()) {
      loops.awaitUninterruptibly(AWAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
    callbackExecutor.shutdown();
    if (!callbackThreads.ownsCurrentThread()) {
      try {
        if (!callbackExecutor.awaitTermination(AWAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          LOG.warn("callback threads of {} still busy after {} ms; interrupting them",
              threadNamePrefix, AWAIT_MILLIS);
          callbackExecutor.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        callbackExecutor.shutdownNow();
      }
    }
    LOG.debug("transport context {} closed", threadNamePrefix);
  }

  private boolean onEventLoop() {
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  private void runOnCallbackExecutor(Runnable r) {
    try {
      callbackExecutor.execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }

  private static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(a);
  }

  @Override
  public String toString() {
    return "PsTransportContext{" + threadNamePrefix + ", native=" + nativeTransport
        + ", servers=" + servers.size() + ", connections=" + clientChannels.size() + "}";
  }
}
