package io.sparkps.core.server;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointLayout;
import io.sparkps.core.checkpoint.ShardFile;
import io.sparkps.core.protocol.CheckpointShardsMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.CreateShardMessage;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.FenceRunMessage;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisteredMessage;
import io.sparkps.core.protocol.ShardRequest;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.StorageOptions;
import io.sparkps.core.storage.tiers.ShardStores;
import io.sparkps.core.transport.Await;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTimeoutException;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.RequestHandler;
import io.sparkps.core.transport.TransportServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parameter server: hosts table shards, applies pushes through each table's updater and answers
 * pulls. It registers with the scheduler at start, sends heartbeats, creates and drops shards when
 * the scheduler says so, and stops itself when it loses the scheduler. Thread-safe; requests are
 * decoded on I/O threads and executed on the shard's own executor.
 */
public final class PsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsServer.class);

  private final PsConfig config;
  private final PsTransportContext transport;
  private final ShardExecutors lanes;
  private final ShardOperations operations;
  private final ConcurrentHashMap<Long, HostedShard> shards = new ConcurrentHashMap<>();
  private final RunFences fences = new RunFences();
  private final ScheduledExecutorService heartbeats;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final TransportServer listener;
  private final Connection scheduler;
  private final int serverId;
  private final Ticker ticker = Ticker.systemTicker();
  /** Set once registered; data requests are refused once it expires (see ServerLease). */
  private final ServerLease lease;
  /** Why the server stopped: set before {@link #stopped} completes. */
  private volatile StopReason stopReason = StopReason.CLOSED;

  private PsServer(PsConfig config, int port, String schedulerHost, int schedulerPort) throws IOException {
    this.config = config;
    this.transport = new PsTransportContext(config, "ps-server");
    this.lanes = new ShardExecutors(config.shardThreads(), "ps-server");
    this.operations = new ShardOperations(config.maxFrameBytes(), fences);
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ps-server-heartbeat");
      t.setDaemon(true);
      return t;
    });
    RequestHandler handler = this::handle;
    TransportServer bound = null;
    Connection toScheduler = null;
    try {
      bound = transport.createServer(config.host(), port, handler);
      toScheduler = await(transport.connect(schedulerHost, schedulerPort, handler),
          "connecting to the scheduler at " + schedulerHost + ":" + schedulerPort);
      long registeringAt = ticker.read();
      Message reply = await(toScheduler.request(new RegisterServerMessage(bound.host(), bound.port())),
          "registering with the scheduler at " + schedulerHost + ":" + schedulerPort);
      this.serverId = ((RegisteredMessage) reply).serverId();
      this.lease = new ServerLease(ticker, config.heartbeatTimeout(), registeringAt);
    } catch (IOException | RuntimeException e) {
      if (toScheduler != null) {
        toScheduler.close();
      }
      if (bound != null) {
        bound.close();
      }
      heartbeats.shutdownNow();
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
    long every = config.heartbeatInterval().toNanos();
    // Registration counts as the first sign of life; beats follow one interval apart. An
    // unanswered beat means the scheduler (the driver) is gone without closing the connection
    // (its host died): the server stops rather than serve a dead application.
    heartbeats.scheduleAtFixedRate(() -> {
      long sentAt = ticker.read();
      scheduler.request(new HeartbeatMessage(serverId), config.heartbeatTimeout()).whenComplete((ok, err) -> {
        if (err == null) {
          lease.renewed(sentAt);
        } else if (ErrorMapping.unwrap(err) instanceof PsTimeoutException && !closed.get()) {
          LOG.warn("Parameter server {}: the scheduler did not answer a heartbeat within {}; stopping",
              serverId, config.heartbeatTimeout());
          stopInBackground(StopReason.SCHEDULER_LOST);
        }
      });
    }, every, every, TimeUnit.NANOSECONDS);
    // The scheduler closes the connection when the application ends and when it has declared this
    // server dead; which one it was is for the owner of the server to find out (stopReason()).
    scheduler.closeFuture().whenComplete((v, e) -> {
      if (!closed.get()) {
        LOG.info("Parameter server {}: its scheduler connection closed; stopping", serverId);
        stopInBackground(StopReason.SCHEDULER_LOST);
      }
    });
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

  /** Number of shards this server hosts. */
  public int shardCount() {
    return shards.size();
  }

  /** Whether {@link #close()} ran (or the server stopped itself after losing the scheduler). */
  public boolean isClosed() {
    return closed.get();
  }

  private void handle(Connection connection, long requestId, Message message) {
    try {
      if (message instanceof CreateShardMessage m) {
        createShard(connection, requestId, m);
      } else if (message instanceof DropShardMessage m) {
        dropShards(connection, requestId, m.tableId());
      } else if (message instanceof CheckpointShardsMessage m) {
        checkpoint(connection, requestId, m);
      } else if (message instanceof FenceRunMessage m) {
        fences.raise(m.runId(), m.epoch());
        connection.reply(requestId, new OkMessage());
      } else {
        if (!(message instanceof ShardRequest address)) {
          throw new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE,
              "a parameter server does not accept type=" + message.type());
        }
        HostedShard shard = shards.get(key(address.tableId(), address.shard()));
        if (shard == null) {
          throw missingShard(address);
        }
        shard.executor().execute(() -> execute(connection, requestId, shard, message));
      }
    } catch (RejectedExecutionException e) {
      connection.replyError(requestId, ErrorCode.SHUTTING_DOWN, "server " + serverId + " is stopping");
    } catch (RuntimeException e) {
      replyFailure(connection, requestId, e);
    }
  }

  private void execute(Connection connection, long requestId, HostedShard shard, Message request) {
    Message response;
    try {
      // Checked on the lane, right before the shard is touched: a request queued before a pause
      // must not be applied after it either.
      if (lease.expired()) {
        throw new PsRemoteException(ErrorCode.SERVER_DEAD, "server " + serverId + " has not heard from the "
            + "scheduler for " + lease.silentNanos() / 1_000_000 + " ms (heartbeat timeout "
            + config.heartbeatTimeout().toMillis() + " ms): it may have been declared dead and its shards moved; "
            + "refresh the routing table");
      }
      response = operations.execute(shard, request);
    } catch (RuntimeException e) {
      replyFailure(connection, requestId, e);
      return;
    }
    connection.reply(requestId, response);
  }

  private PsRemoteException missingShard(ShardRequest address) {
    boolean tableHere = shards.values().stream().anyMatch(s -> s.tableId() == address.tableId());
    if (tableHere) {
      return new PsRemoteException(ErrorCode.WRONG_OWNER, "server " + serverId + " does not host shard "
          + address.shard() + " of table id " + address.tableId() + "; refresh the routing table");
    }
    return new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "server " + serverId + " hosts no table with id "
        + address.tableId() + "; it was never created or has been dropped");
  }

  private void createShard(Connection connection, long requestId, CreateShardMessage m) {
    // Building a store allocates (a dense shard can be large) and a restore reads a file: keep
    // both off the I/O thread.
    lanes.laneFor(m.tableId(), m.shard()).execute(() -> {
      try {
        long k = key(m.tableId(), m.shard());
        HostedShard existing = shards.get(k);
        if (existing != null) {
          if (!existing.spec().equals(m.spec()) || m.restores()) {
            throw new PsRemoteException(ErrorCode.DUPLICATE_TABLE, "server " + serverId
                + " already hosts " + existing.describe());
          }
        } else {
          ShardStore store = ShardStores.create(m.spec(), m.start(), m.end(),
              StorageOptions.forShard(config.storageDir(), m.tableId(), m.shard()));
          PushDedupe dedupe = new PushDedupe();
          if (m.restores()) {
            restore(store, dedupe, m);
          }
          shards.put(k, new HostedShard(m.tableId(), m.shard(), m.spec(), m.start(), m.end(), store,
              lanes.laneFor(m.tableId(), m.shard()), dedupe));
          LOG.debug("Server {} created shard {} of table {}{}", serverId, m.shard(), m.spec().name(),
              m.restores() ? " from " + m.source() : "");
        }
        connection.reply(requestId, new OkMessage());
      } catch (RuntimeException e) {
        replyFailure(connection, requestId, e);
      }
    });
  }

  /** Loads a new shard's rows and push marks from a checkpoint file; the store is destroyed on failure. */
  private void restore(ShardStore store, PushDedupe dedupe, CreateShardMessage m) {
    try {
      // A persisted store may have reopened an older file of the same shard: the checkpoint wins.
      store.clear();
      CheckpointFiles files = CheckpointFiles.forPath(m.source());
      ShardFile.Header header;
      try (InputStream in = files.open(m.source())) {
        header = ShardFile.read(in, store, m.source());
      }
      if (header.shard() != m.shard()) {
        throw new IOException("shard file " + m.source() + " holds shard " + header.shard() + ", not " + m.shard());
      }
      dedupe.restore(header.marks());
    } catch (IOException | RuntimeException e) {
      // Only code and message cross the wire: the stack stays in this server's log.
      LOG.error("Server {} could not restore shard {} of table {} from {}", serverId, m.shard(), m.spec().name(),
          m.source(), e);
      store.destroy();
      throw new PsRemoteException(ErrorCode.CHECKPOINT_FAILED, "server " + serverId + " could not restore shard "
          + m.shard() + " of table " + m.spec().name() + " from " + m.source() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes each hosted shard of the requested tables on its own lane, so the copy sees whole
   * pushes only, and shards on different lanes are written in parallel.
   */
  private void checkpoint(Connection connection, long requestId, CheckpointShardsMessage m) {
    CheckpointFiles files = CheckpointFiles.forPath(m.dir());
    java.util.Set<Integer> wanted = new java.util.HashSet<>();
    for (int id : m.tableIds()) {
      wanted.add(id);
    }
    List<CompletableFuture<Long>> written = new ArrayList<>();
    for (HostedShard s : shards.values()) {
      if (wanted.contains(s.tableId())) {
        written.add(CompletableFuture.supplyAsync(() -> writeShard(files, m.dir(), s), s.executor()));
      }
    }
    CompletableFuture.allOf(written.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
      if (err != null) {
        replyFailure(connection, requestId, err);
        return;
      }
      connection.reply(requestId, new CountMessage(written.stream().mapToLong(CompletableFuture::join).sum()));
    });
  }

  private long writeShard(CheckpointFiles files, String dir, HostedShard s) {
    String path = CheckpointLayout.shardFile(files, dir, s.tableId(), s.shard());
    try (CountingOutputStream out = new CountingOutputStream(files.create(path))) {
      ShardFile.write(out, s.tableId(), s.shard(), s.store(), s.dedupe().marks());
      return out.count();
    } catch (IOException | RuntimeException e) {
      // Only code and message cross the wire: the stack stays in this server's log.
      LOG.error("Server {} could not write {} to {}", serverId, s.describe(), path, e);
      throw new PsRemoteException(ErrorCode.CHECKPOINT_FAILED, "server " + serverId + " could not write "
          + s.describe() + " to " + path + ": " + e.getMessage(), e);
    }
  }

  private void dropShards(Connection connection, long requestId, int tableId) {
    List<HostedShard> dropped = new ArrayList<>();
    shards.values().removeIf(s -> {
      if (s.tableId() == tableId) {
        dropped.add(s);
        return true;
      }
      return false;
    });
    // Destroy each store on its own lane, after the operations already queued there (a
    // persisted shard deletes its file: a table created later with the same id starts empty).
    for (HostedShard s : dropped) {
      s.executor().execute(s.store()::destroy);
    }
    connection.reply(requestId, new OkMessage());
  }

  private static void replyFailure(Connection connection, long requestId, Throwable t) {
    connection.replyFailure(requestId, t);
  }

  private static long key(int tableId, int shard) {
    return ((long) tableId << 32) | (shard & 0xffffffffL);
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
      failure = step(failure, heartbeats::shutdownNow);
      failure = step(failure, listener::close);
      failure = step(failure, scheduler::close);
      failure = step(failure, lanes::close);
      for (HostedShard s : shards.values()) {
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
