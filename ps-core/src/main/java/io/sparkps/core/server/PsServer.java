package io.sparkps.core.server;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.metrics.ServerMetrics;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisteredMessage;
import io.sparkps.core.transport.Await;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PendingBytes;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.RequestHandler;
import io.sparkps.core.transport.ListenerStats;
import io.sparkps.core.transport.TransportServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parameter server: hosts table shards, applies pushes through each table's updater and answers
 * pulls. It registers with the scheduler at start, sends heartbeats, creates and drops shards when
 * the scheduler says so, and stops itself when it loses the scheduler. Thread-safe; requests are
 * decoded on I/O threads and executed on the shard's own lane (small ones inline on the I/O
 * thread when the lane is idle, see {@link ShardLane}).
 */
public final class PsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsServer.class);

  private final PsConfig config;
  private final PsTransportContext transport;
  private final ShardExecutors lanes;
  private final HostedShards shards = new HostedShards(this::serverId);
  /** Rows past their write-time expiry on shards no write reaches any more. */
  private final IdleSweeps idleSweeps = new IdleSweeps(shards);
  private final SchedulerHeartbeats heartbeats;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final TransportServer listener;
  private final Connection scheduler;
  private final int serverId;
  private final Ticker ticker = Ticker.systemTicker();
  /** How often shards of tables with write-time expiry are swept without writes (see {@link IdleSweeps}). */
  private static final java.time.Duration IDLE_SWEEP_INTERVAL = java.time.Duration.ofSeconds(1);
  /** Renewed from registration on; data requests are refused once it expires (see ServerLease). */
  private final ServerLease lease;
  /** The scheduler's requests (create, drop, checkpoint shards; fence runs). */
  private final ShardControl control;
  /** Requests addressed to one shard, run on its lane. */
  private final DataRequests data;
  /** Heap bytes of HEAP shards, against maxShardBytes. */
  private final ShardMemory memory;
  /** Requests, keys, bytes, latencies and errors answered so far. */
  private final ServerMetrics metrics = new ServerMetrics();
  /** Why the server stopped: set before {@link #stopped} completes. */
  private volatile StopReason stopReason = StopReason.CLOSED;

  private PsServer(PsConfig config, int port, String schedulerHost, int schedulerPort) throws IOException {
    this.config = config;
    this.transport = new PsTransportContext(config, "ps-server", PsRole.SERVER);
    RejectionLog rejections = new RejectionLog(ticker);
    this.lanes = new ShardExecutors(config.shardThreads(), config.shardQueueCapacity(), "ps-server", rejections);
    this.heartbeats = new SchedulerHeartbeats(config, ticker);
    // Both exist before the first connection: the scheduler may send a control request right
    // behind its answer to the registration, before this constructor has returned.
    RunFences fences = new RunFences();
    this.lease = new ServerLease(ticker, config.heartbeatTimeout(), ticker.read());
    this.memory = new ShardMemory(config.maxShardBytes(Runtime.getRuntime().maxMemory()), rejections);
    this.control = new ShardControl(config.storageDir(), lanes, shards, fences, memory, ticker, metrics);
    this.data = new DataRequests(shards,
        new ShardOperations(new RequestSizes(config.maxFrameBytes(), rejections), fences), lease, metrics, ticker);
    // Peers that dialled this server: data requests only (control requests come only on this
    // server's own connection to the scheduler); admission sizes their replies from the shard.
    RequestHandler fromListener = new RequestHandler() {
      @Override
      public void handle(Connection connection, long requestId, Message message) {
        handleFromListener(connection, requestId, message);
      }

      @Override
      public long replyBytes(Message request) {
        return data.replyBytes(request);
      }
    };
    TransportServer bound = null;
    Connection toScheduler = null;
    try {
      bound = transport.createServer(config.host(), port, fromListener);
      toScheduler = await(transport.connect(schedulerHost, schedulerPort, this::handleFromScheduler),
          "connecting to the scheduler at " + schedulerHost + ":" + schedulerPort);
      long registeringAt = ticker.read();
      Message reply = await(toScheduler.request(new RegisterServerMessage(bound.host(), bound.port())),
          "registering with the scheduler at " + schedulerHost + ":" + schedulerPort);
      this.serverId = ((RegisteredMessage) reply).serverId();
      lease.renewed(registeringAt);  // registration counts as the first acknowledged heartbeat
    } catch (IOException | RuntimeException e) {
      if (toScheduler != null) {
        toScheduler.close();
      }
      if (bound != null) {
        bound.close();
      }
      heartbeats.close();
      lanes.close();
      transport.close();
      throw e;
    }
    this.listener = bound;
    this.scheduler = toScheduler;
  }

  /**
   * Binds a server on {@code config.host()} and {@code port} (0 picks a free port), registers it
   * with the scheduler and starts heartbeats.
   *
   * <p>Failures follow {@link Await}'s policy, with one conversion at this edge: a transport
   * failure, which {@link Await} reports as {@link UncheckedIOException}, is thrown as the
   * {@link IOException} itself.
   *
   * @throws IOException when the port cannot be bound or the scheduler cannot be reached (refused,
   *     closed, or did not answer within the connection's deadline: {@code PsTimeoutException})
   * @throws PsRemoteException when the scheduler refused the registration
   * @throws io.sparkps.core.transport.PsDeadlineException when start-up as a whole took longer than
   *     connectTimeout + requestTimeout
   * @throws io.sparkps.core.transport.PsInterruptedException when the calling thread was
   *     interrupted (its interrupt flag is set again)
   */
  public static PsServer start(PsConfig config, int port, String schedulerHost, int schedulerPort)
      throws IOException {
    PsServer server;
    try {
      server = new PsServer(config, port, schedulerHost, schedulerPort);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    server.startHeartbeats();
    LOG.info("Parameter server {} listening on {}:{} (native transport: {})", server.serverId,
        server.host(), server.port(), server.transport.nativeTransport());
    return server;
  }

  private void startHeartbeats() {
    heartbeats.start(scheduler, serverId, lease, closed::get, () -> stopInBackground(StopReason.SCHEDULER_LOST));
    idleSweeps.start(IDLE_SWEEP_INTERVAL);
  }

  /** close() waits for the shard lanes, so it must not run on an I/O or heartbeat thread. */
  private void stopInBackground(StopReason reason) {
    stopReason = reason;
    Thread stopper = new Thread(() -> {
      try {
        close();
      } catch (RuntimeException e) {
        // close() logged it with its stack; nobody else is there to tell on this thread.
      }
    }, "ps-server-" + serverId + "-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  /** Completes once the server has stopped (closed, or stopped itself after losing the scheduler). */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** Why the server stopped; meaningful once {@link #stopped()} completed. */
  public StopReason stopReason() {
    return stopReason;
  }

  /** Why a server stopped. */
  public enum StopReason {
    /** {@link #close()} was called by its owner. */
    CLOSED,
    /**
     * It lost the scheduler: the connection closed (the application ended, or the scheduler
     * declared this server dead after a pause) or a heartbeat went unanswered.
     */
    SCHEDULER_LOST
  }

  public int serverId() {
    return serverId;
  }

  public String host() {
    return listener.host();
  }

  public int port() {
    return listener.port();
  }

  /** What the listening port saw: open, unauthenticated and refused connections. */
  public ListenerStats listenerStats() {
    return listener.stats();
  }

  /** Number of shards this server hosts. */
  public int shardCount() {
    return shards.size();
  }

  /** Inbound bytes in transit (big frames being received), bounded by {@code maxPendingBytes}. */
  public PendingBytes inboundBytes() {
    return transport.inboundBytes();
  }

  /**
   * Bytes held for admitted requests and their unwritten replies on this server's connections
   * (bounded by {@code maxPendingBytes}), with the peak and how many requests and connections
   * wait: what backpressure holds back.
   */
  public PendingBytes pendingBytes() {
    return transport.pendingBytes();
  }

  /** Requests, keys and bytes moved, request latencies and errors answered, since the server started. */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** Data requests waiting on the shard lanes right now (bounded per lane by shardQueueCapacity). */
  public int queuedRequests() {
    return lanes.queued();
  }

  /** Heap bytes this server's HEAP shards take, of {@link #maxShardBytes()}. */
  public long shardBytes() {
    return memory.held();
  }

  /** The heap bytes this server's HEAP shards may take together ({@code PsConfig.maxShardBytes}). */
  public long maxShardBytes() {
    return memory.limit();
  }

  /** Whether {@link #close()} ran (or the server stopped itself after losing the scheduler). */
  public boolean isClosed() {
    return closed.get();
  }

  /** Peers that dialled this server: data requests only; control requests are the scheduler's. */
  private void handleFromListener(Connection connection, long requestId, Message message) {
    if (ShardControl.isControl(message)) {
      refuseControl(connection, requestId, message, "it arrived on the server's listening port");
      return;
    }
    handle(connection, requestId, message);
  }

  /** The connection this server dialled to the scheduler: control requests if the peer proved the scheduler role. */
  private void handleFromScheduler(Connection connection, long requestId, Message message) {
    if (ShardControl.isControl(message) && connection.peerRole() != PsRole.SCHEDULER) {
      refuseControl(connection, requestId, message, "the peer is a " + connection.peerRole());
      return;
    }
    handle(connection, requestId, message);
  }

  private void refuseControl(Connection connection, long requestId, Message message, String why) {
    LOG.debug("refusing {} from {}: {}", message.type(), connection.remoteAddress(), why);
    connection.replyError(requestId, ErrorCode.UNAUTHORIZED, message.type() + " is accepted only from the"
        + " scheduler on the connection this server dialled to it; " + why);
  }

  private void handle(Connection connection, long requestId, Message message) {
    try {
      if (!control.handle(connection, requestId, message)) {
        data.dispatch(connection, requestId, message);
      }
    } catch (RejectedExecutionException e) {
      metrics.error(ErrorCode.SHUTTING_DOWN);
      connection.replyError(requestId, ErrorCode.SHUTTING_DOWN, "server " + serverId + " is stopping");
    } catch (RuntimeException e) {
      metrics.error(ErrorMapping.codeOf(e));
      connection.replyFailure(requestId, e);
    }
  }

  /** Waits for a step of start-up: connecting and registering are each bounded by their own deadline too. */
  private <T> T await(CompletableFuture<T> f, String what) {
    return Await.result(f, config.connectTimeout().plus(config.requestTimeout()), what,
        "check that the scheduler at that address is alive and reachable, or raise connectTimeout/requestTimeout");
  }

  /**
   * Stops heartbeats, closes connections and the listening port, then the shard executors.
   * Idempotent; returns once the server has stopped, also when another thread is stopping it.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      stopped.join();  // another thread is stopping it: return once it has stopped, as callers expect
      return;
    }
    // Every step runs even if an earlier one throws (a store that cannot mark its file closed
    // must not keep the others open or the port bound), and stopped completes whatever happens:
    // other closers wait on it.
    RuntimeException failure = null;
    try {
      failure = step(failure, heartbeats::close);
      failure = step(failure, idleSweeps::close);
      failure = step(failure, listener::close);
      failure = step(failure, scheduler::close);
      failure = step(failure, lanes::close);
      for (HostedShard s : shards.all()) {
        failure = step(failure, s.store()::close);
      }
      shards.clear();
      failure = step(failure, transport::close);
    } finally {
      stopped.complete(null);
    }
    if (failure != null) {
      LOG.error("Parameter server {} stopped, but not cleanly", serverId, failure);
      throw failure;
    }
    LOG.info("Parameter server {} stopped", serverId);
  }

  /** Runs one step of close(); returns the first failure, later ones added to it as suppressed. */
  private static RuntimeException step(RuntimeException first, Runnable step) {
    try {
      step.run();
      return first;
    } catch (RuntimeException e) {
      if (first == null) {
        return e;
      }
      first.addSuppressed(e);
      return first;
    }
  }
}
