package io.sparkps.core.scheduler;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.clock.Effects;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.AbortRunMessage;
import io.sparkps.core.protocol.BarrierMessage;
import io.sparkps.core.protocol.ClockMessage;
import io.sparkps.core.protocol.DropTableMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.FinishWorkerMessage;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.RegisteredMessage;
import io.sparkps.core.protocol.RoutingMessage;
import io.sparkps.core.protocol.RunBarrierMessage;
import io.sparkps.core.protocol.WorkerHeartbeatMessage;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.TransportServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: registry of servers with heartbeat-based death detection, the table catalogue,
 * the versioned routing table (pushed to subscribed clients on every change), and named barriers.
 * A facade over its rooms: {@link ServerLinks}, {@link TableCatalog}, {@link RoutingPublisher},
 * {@link ClockService}, {@link CheckpointCoordinator}, {@link ShardRecovery}, {@link Barriers}.
 * Runs in the Spark driver, or anywhere for tests. Thread-safe: all state is guarded by one lock,
 * held briefly. Under it only state changes and decisions are made: the futures to complete and
 * the messages to send are collected in an {@link Effects} and run after the lock is released, and
 * every reply or send checks that the lock is not held ({@link Outbox}). Time comes from the ticker.
 */
public final class PsScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsScheduler.class);

  private final PsConfig config;
  private final Ticker ticker;
  private final PsTransportContext transport;
  private final TransportServer listener;
  private final ScheduledExecutorService timer;
  /** Set by {@link #beginClose()}: servers that stop now are leaving, not lost. */
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final Object lock = new Object();
  private final Outbox outbox = new Outbox(lock);
  /** Replies, sends and closes so far, and those made under the lock (a bug, see {@link Outbox}); for tests. */
  final AtomicLong ioCalls = outbox.calls;
  final AtomicLong ioUnderLock = outbox.underLock;
  private final ServerLinks links;
  /** {@code links}' registry. Guarded by lock. */
  private final ServerRegistry servers;
  private final TableCatalog tables = new TableCatalog();
  private final RoutingPublisher routing = new RoutingPublisher(outbox::check);
  private final Barriers barriers = new Barriers();
  private final TrainingRuns runs = new TrainingRuns();
  private final Checkpointer checkpointer = new Checkpointer();
  /** Checkpoint writing, restores and recovery bookkeeping: file I/O kept off I/O threads and the lock. */
  private final ExecutorService background;
  private final ShardRecovery recovery;
  private final CheckpointCoordinator checkpoints;
  private final ClockService clocks;

  private PsScheduler(PsConfig config, int port, Ticker ticker) throws IOException {
    this.config = config;
    this.ticker = ticker;
    this.transport = new PsTransportContext(config, "ps-scheduler");
    this.links = new ServerLinks(lock, config, outbox::check);
    this.servers = links.registry();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ps-scheduler-heartbeat-check");
      t.setDaemon(true);
      return t;
    });
    this.background = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ps-scheduler-checkpoints");
      t.setDaemon(true);
      return t;
    });
    this.recovery = new ShardRecovery(lock, config, ticker, timer, closed, servers, tables, runs, checkpointer,
        this::bumpVersion, links::send);
    this.checkpoints = new CheckpointCoordinator(lock, config, ticker, background, tables, runs, routing, checkpointer,
        recovery, links::send, this::createTable);
    this.clocks = new ClockService(lock, ticker, runs, checkpoints, recovery, outbox);
    try {
      this.listener = transport.createServer(config.host(), port, new SchedulerHandler(this));
    } catch (IOException | RuntimeException e) {
      timer.shutdownNow();
      background.shutdownNow();
      transport.close();
      throw e;
    }
  }

  /** Starts a scheduler on {@code config.host()} and an ephemeral port, with the system clock. */
  public static PsScheduler start(PsConfig config) throws IOException {
    return start(config, 0, Ticker.systemTicker());
  }

  /**
   * Starts a scheduler; {@code ticker} is the time source for heartbeat timeouts (tests pass a
   * fake one and call {@link #checkHeartbeats()} after moving it).
   */
  public static PsScheduler start(PsConfig config, int port, Ticker ticker) throws IOException {
    PsScheduler s = new PsScheduler(config, port, ticker);
    long every = config.heartbeatInterval().toNanos();
    s.timer.scheduleAtFixedRate(s::checkHeartbeats, every, every, TimeUnit.NANOSECONDS);
    LOG.info("Parameter-server scheduler listening on {}:{} (auth {})", s.host(), s.port(),
        config.authEnabled() ? "on" : "off");
    return s;
  }

  public String host() {
    return listener.host();
  }

  public int port() {
    return listener.port();
  }

  /** The current routing table. */
  public RoutingTable routing() {
    synchronized (lock) {
      return routing.current();
    }
  }

  /** Completes with the routing table once at least {@code count} servers are alive. */
  public CompletableFuture<RoutingTable> awaitServers(int count) {
    synchronized (lock) {
      return links.await(count, routing.current());
    }
  }

  /**
   * Declares dead every server silent for longer than the heartbeat timeout, by the ticker's time.
   * Runs every heartbeat interval; tests call it directly.
   *
   * @return ids of the servers declared dead by this call
   */
  public List<Integer> checkHeartbeats() {
    List<Integer> silent;
    synchronized (lock) {
      silent = servers.silentSince(ticker.read(), config.heartbeatTimeout().toNanos());
    }
    for (int id : silent) {
      declareDead(id, "no heartbeat for more than " + config.heartbeatTimeout());
    }
    Effects effects = new Effects(lock);
    synchronized (lock) {
      runs.failSilentWorkers(ticker.read(), config.heartbeatTimeout(), effects);
    }
    effects.run();
    return silent;
  }

  /**
   * Declares a server lost now, for a caller that learns of it before the server's connection
   * closes or its heartbeats stop (Spark reporting its executor removed): its shards move as
   * for any dead server. Unknown and already dead ids are ignored.
   */
  public void serverLost(int serverId, String why) {
    declareDead(serverId, why);
  }

  /**
   * Announces that the whole deployment is stopping (the application ends): servers that go from
   * now on are leaving, not lost, so their shards are not moved and nothing is reported as a
   * failure. {@link #close()} follows.
   */
  public void beginClose() {
    stopping.set(true);
  }

  /** Progress and statistics of the training run named {@code run}, if it exists. */
  public Optional<io.sparkps.core.clock.RunStats> runStats(String run) {
    synchronized (lock) {
      return runs.stats(run);
    }
  }

  // ---- request handling (called by SchedulerHandler on I/O threads; never blocks) ----

  void registerServer(Connection c, long requestId, RegisterServerMessage m) {
    ServerInfo info;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      info = servers.register(m.host(), m.port(), c, ticker.read());
      c.attach(info.id());
      bumpVersion(effects);
      links.releaseWaiters(routing.current(), effects);
    }
    effects.run();
    LOG.info("Server {} registered at {}", info.id(), info.address());
    reply(c, requestId, new RegisteredMessage(info.id()));
    recovery.recover();  // shards orphaned while no server was alive find an owner now
  }

  /** Records a server's heartbeat; false when the server is unknown or was declared dead. */
  boolean heartbeat(HeartbeatMessage m) {
    synchronized (lock) {
      if (!servers.heard(m.serverId(), ticker.read())) {
        LOG.debug("Heartbeat from unknown or dead server {}", m.serverId());
        return false;
      }
      return true;
    }
  }

  void subscribe(Connection c, long requestId) {
    RoutingTable current;
    synchronized (lock) {
      current = routing.subscribe(c);
    }
    reply(c, requestId, new RoutingMessage(current));
  }

  void getRouting(Connection c, long requestId) {
    reply(c, requestId, new RoutingMessage(routing()));
  }

  void barrier(Connection c, long requestId, BarrierMessage m) {
    List<Barriers.Waiter> released;
    synchronized (lock) {
      released = barriers.arrive(m.name(), m.parties(), c, requestId);
    }
    for (Barriers.Waiter w : released) {
      reply(w.connection(), w.requestId(), new OkMessage());
    }
  }

  void createTable(Connection c, long requestId, TableSpec spec) {
    createTable(spec, 0, shard -> "").whenComplete((now, err) -> answer(c, requestId, err,
        now == null ? null : new RoutingMessage(now)));
  }

  /**
   * Creates a table's shards on live servers and publishes its route. {@code shards} = 0 picks
   * the count from the live servers; a restore passes the checkpoint's count and each shard's file.
   */
  private CompletableFuture<RoutingTable> createTable(TableSpec spec, int shards, IntFunction<String> source) {
    int tableId;
    int[] owners;
    synchronized (lock) {
      try {
        tables.checkNew(spec);
      } catch (PsRemoteException e) {
        return CompletableFuture.failedFuture(e);
      }
      int[] alive = servers.aliveIds();
      if (alive.length == 0) {
        return CompletableFuture.failedFuture(new PsRemoteException(ErrorCode.SERVER_DEAD,
            "no live parameter server to hold table " + spec.name() + "; start servers before creating tables"));
      }
      owners = shards > 0 ? ShardPlacement.roundRobin(alive, shards)
          : ShardPlacement.shardOwners(spec, alive, config.shardThreads());
      tableId = tables.reserve(spec.name());
    }
    TableRoute route = new TableRoute(tableId, spec, owners);
    List<CompletableFuture<Message>> created = new ArrayList<>();
    for (int shard = 0; shard < owners.length; shard++) {
      created.add(links.send(owners[shard], ShardPlacement.createShard(route, shard, source.apply(shard)), config.clockTimeout()));
    }
    return CompletableFuture.allOf(created.toArray(new CompletableFuture<?>[0])).handle((v, err) -> {
      if (err != null) {
        synchronized (lock) {
          tables.abandoned(spec.name());
        }
        links.dropShards(route);
        LOG.warn("Creating table {} failed: {}", spec.name(), ErrorMapping.messageOf(err));
        throw new PsRemoteException(ErrorMapping.codeOf(err), "creating table " + spec.name() + " failed: "
            + ErrorMapping.messageOf(err));
      }
      RoutingTable now;
      Effects effects = new Effects(lock);
      synchronized (lock) {
        tables.created(route);
        now = bumpVersion(effects);
      }
      effects.run();
      LOG.info("Created {} on servers {}", spec, java.util.Arrays.toString(owners));
      return now;
    });
  }

  void dropTable(Connection c, long requestId, DropTableMessage m) {
    TableRoute route;
    RoutingTable now;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      route = tables.remove(m.name());
      if (route == null) {
        throw new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "no table to drop: name=" + m.name());
      }
      now = bumpVersion(effects);
    }
    effects.run();
    links.dropShards(route).whenComplete((v, err) -> reply(c, requestId, new RoutingMessage(now)));
  }

  void registerWorker(Connection c, long requestId, RegisterWorkerMessage m) {
    clocks.registerWorker(c, requestId, m);
  }

  void clock(Connection c, long requestId, ClockMessage m) {
    clocks.clock(c, requestId, m);
  }

  void runBarrier(Connection c, long requestId, RunBarrierMessage m) {
    clocks.runBarrier(c, requestId, m);
  }

  void workerHeartbeat(WorkerHeartbeatMessage m) {
    clocks.workerHeartbeat(m);
  }

  void finishWorker(Connection c, long requestId, FinishWorkerMessage m) {
    clocks.finishWorker(c, requestId, m);
  }

  void abortRun(Connection c, long requestId, AbortRunMessage m) {
    clocks.abortRun(c, requestId, m);
  }

  private void reply(Connection c, long requestId, Message m) {
    outbox.reply(c, requestId, m);
  }

  private void answer(Connection c, long requestId, Throwable err, Message ok) {
    outbox.answer(c, requestId, err, ok);
  }

  /** Whether the calling thread holds the scheduler's lock; for tests. */
  boolean holdsLock() {
    return Thread.holdsLock(lock);
  }

  void connectionClosed(Connection c) {
    Object id = c.attachment();
    Effects effects = new Effects(lock);
    synchronized (lock) {
      routing.unsubscribe(c);
      barriers.forget(c);
      runs.connectionClosed(c, effects);
    }
    effects.run();
    if (id instanceof Integer serverId && !closed.get()) {
      declareDead(serverId, "its connection to the scheduler closed");
    }
  }

  // ---- checkpoints (CheckpointCoordinator) ----

  /** Sets where checkpoints go and how often they are taken automatically. */
  public void configureCheckpoints(CheckpointPolicy policy) {
    checkpoints.configure(policy);
  }

  public Optional<CheckpointPolicy> checkpointPolicy() {
    return checkpoints.policy();
  }

  /** The checkpoint recovery rolls lost shards back to: the newest taken or restored. */
  public Optional<Manifest> latestCheckpoint() {
    return checkpoints.latest();
  }

  /**
   * Takes a checkpoint of the named tables (none named: all tables) as a consistent cut: each
   * running training run is held at its next clock boundary, the servers write their shards in
   * parallel, the manifest is written last, then the runs continue. Completes with the manifest;
   * fails (leaving earlier checkpoints usable) if a server or worker fails meanwhile or the file
   * system refuses.
   */
  public CompletableFuture<Manifest> checkpoint(String... tableNames) {
    return checkpoints.checkpoint(tableNames);
  }

  /**
   * Loads a checkpoint into this (new) deployment: {@code path} is a checkpoint directory or a
   * checkpoint root (its newest complete checkpoint is used). Tables with the same names must not
   * exist. Completes with the checkpoint's manifest.
   */
  public CompletableFuture<Manifest> restore(String path) {
    return checkpoints.restore(path);
  }

  // ---- internals ----

  private void declareDead(int serverId, String why) {
    Connection conn;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      if (!servers.markDead(serverId)) {
        return;
      }
      conn = servers.connection(serverId);
      bumpVersion(effects);
    }
    effects.run();
    boolean leaving = stopping.get() || closed.get();
    if (leaving) {
      LOG.info("Server {} left: the deployment is stopping ({})", serverId, why);
    } else {
      // The one line a lost server is worth: the recovery steps follow at INFO.
      LOG.warn("Server {} declared dead ({}); its shards move to the live servers, restored from the latest "
          + "checkpoint, and running training runs roll back to it", serverId, why);
    }
    if (conn != null) {
      outbox.check("closing server " + serverId + "'s connection");
      conn.close();
    }
    if (!leaving) {
      recovery.recover();
    }
  }

  /** Publishes the servers and tables as the next routing version; {@code effects} sends it. Holds lock. */
  private RoutingTable bumpVersion(Effects effects) {
    return routing.publish(servers.infos(), tables.routes(), effects);
  }

  /** Stops accepting requests, closes every connection and the port. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.shutdownNow();
    background.shutdownNow();
    listener.close();
    List<Connection> conns;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      conns = servers.connections();
      links.close(effects);
      // Whoever waits on a checkpoint or a recovery gets an answer instead of its timeout.
      checkpoints.close(effects);
      recovery.close(effects);
    }
    effects.run();
    outbox.check("closing the servers' connections");
    conns.forEach(Connection::close);
    transport.close();
    LOG.info("Parameter-server scheduler stopped");
  }
}
