package io.sparkps.core.scheduler;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.RangePartitioner;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.clock.RunFailedException;
import io.sparkps.core.protocol.AbortRunMessage;
import io.sparkps.core.protocol.BarrierMessage;
import io.sparkps.core.protocol.ClockMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.FinishWorkerMessage;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.RunBarrierMessage;
import io.sparkps.core.protocol.WorkerHeartbeatMessage;
import io.sparkps.core.protocol.WorkerRegisteredMessage;
import io.sparkps.core.protocol.CreateShardMessage;
import io.sparkps.core.protocol.CreateTableMessage;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.DropTableMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.GetRoutingMessage;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisteredMessage;
import io.sparkps.core.protocol.RoutingMessage;
import io.sparkps.core.protocol.RoutingUpdateMessage;
import io.sparkps.core.protocol.SubscribeRoutingMessage;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.TransportServer;
import io.sparkps.core.update.Updaters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: registry of servers with heartbeat-based death detection, the table catalogue,
 * the versioned routing table (pushed to subscribed clients on every change), and named barriers.
 * Runs in the Spark driver, or anywhere for tests. Thread-safe: all state is guarded by one lock,
 * held briefly and never across I/O.
 */
public final class PsScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsScheduler.class);

  private final PsConfig config;
  private final Ticker ticker;
  private final PsTransportContext transport;
  private final TransportServer listener;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final Object lock = new Object();
  private final ServerRegistry servers = new ServerRegistry();
  private final Map<String, TableRoute> tables = new LinkedHashMap<>();
  private final Set<String> pendingTables = new HashSet<>();
  private final Set<Connection> subscribers = new HashSet<>();
  private final Barriers barriers = new Barriers();
  private final List<ServerWaiter> serverWaiters = new ArrayList<>();
  private final TrainingRuns runs = new TrainingRuns();
  private int nextTableId = 1;
  private RoutingTable routing = RoutingTable.empty();

  private record ServerWaiter(int count, CompletableFuture<RoutingTable> future) {}

  private PsScheduler(PsConfig config, int port, Ticker ticker) throws java.io.IOException {
    this.config = config;
    this.ticker = ticker;
    this.transport = new PsTransportContext(config, "ps-scheduler");
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ps-scheduler-heartbeat-check");
      t.setDaemon(true);
      return t;
    });
    try {
      this.listener = transport.createServer(config.host(), port, new SchedulerHandler(this));
    } catch (java.io.IOException | RuntimeException e) {
      timer.shutdownNow();
      transport.close();
      throw e;
    }
  }

  /** Starts a scheduler on {@code config.host()} and an ephemeral port, with the system clock. */
  public static PsScheduler start(PsConfig config) throws java.io.IOException {
    return start(config, 0, Ticker.systemTicker());
  }

  /**
   * Starts a scheduler; {@code ticker} is the time source for heartbeat timeouts (tests pass a
   * fake one and call {@link #checkHeartbeats()} after moving it).
   */
  public static PsScheduler start(PsConfig config, int port, Ticker ticker) throws java.io.IOException {
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
      return routing;
    }
  }

  /** Completes with the routing table once at least {@code count} servers are alive. */
  public CompletableFuture<RoutingTable> awaitServers(int count) {
    synchronized (lock) {
      CompletableFuture<RoutingTable> f = new CompletableFuture<>();
      if (servers.aliveIds().length >= count) {
        f.complete(routing);
      } else {
        serverWaiters.add(new ServerWaiter(count, f));
      }
      return f;
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
    synchronized (lock) {
      runs.failSilentWorkers(ticker.read(), config.heartbeatTimeout());
    }
    return silent;
  }

  /** Progress and statistics of the training run named {@code run}, if it exists. */
  public java.util.Optional<io.sparkps.core.clock.RunStats> runStats(String run) {
    synchronized (lock) {
      return runs.stats(run);
    }
  }

  // ---- request handling (called by SchedulerHandler on I/O threads; never blocks) ----

  void registerServer(Connection c, long requestId, RegisterServerMessage m) {
    ServerInfo info;
    synchronized (lock) {
      info = servers.register(m.host(), m.port(), c, ticker.read());
      c.attach(info.id());
      bumpVersion();
      completeServerWaiters();
    }
    LOG.info("Server {} registered at {}", info.id(), info.address());
    c.reply(requestId, new RegisteredMessage(info.id()));
  }

  void heartbeat(HeartbeatMessage m) {
    synchronized (lock) {
      if (!servers.heard(m.serverId(), ticker.read())) {
        LOG.debug("Heartbeat from unknown or dead server {}", m.serverId());
      }
    }
  }

  void subscribe(Connection c, long requestId) {
    RoutingTable current;
    synchronized (lock) {
      subscribers.add(c);
      current = routing;
    }
    c.reply(requestId, new RoutingMessage(current));
  }

  void getRouting(Connection c, long requestId) {
    c.reply(requestId, new RoutingMessage(routing()));
  }

  void barrier(Connection c, long requestId, BarrierMessage m) {
    List<Barriers.Waiter> released;
    synchronized (lock) {
      released = barriers.arrive(m.name(), m.parties(), c, requestId);
    }
    for (Barriers.Waiter w : released) {
      w.connection().reply(w.requestId(), new OkMessage());
    }
  }

  void createTable(Connection c, long requestId, TableSpec spec) {
    int tableId;
    int[] owners;
    synchronized (lock) {
      if (tables.containsKey(spec.name()) || pendingTables.contains(spec.name())) {
        throw new PsRemoteException(ErrorCode.DUPLICATE_TABLE, "a table with this name exists: name="
            + spec.name() + "; drop it first or pick another name");
      }
      checkUpdater(spec);
      int[] alive = servers.aliveIds();
      if (alive.length == 0) {
        throw new PsRemoteException(ErrorCode.SERVER_DEAD, "no live parameter server to hold table "
            + spec.name() + "; start servers before creating tables");
      }
      owners = shardOwners(spec, alive, config.shardThreads());
      tableId = nextTableId++;
      pendingTables.add(spec.name());
    }
    TableRoute route = new TableRoute(tableId, spec, owners);
    List<CompletableFuture<Message>> created = new ArrayList<>();
    RangePartitioner ranges = spec.isDense() ? new RangePartitioner(spec.rows(), owners.length) : null;
    for (int shard = 0; shard < owners.length; shard++) {
      long start = ranges == null ? 0 : ranges.start(shard);
      long end = ranges == null ? 0 : ranges.end(shard);
      created.add(send(owners[shard], new CreateShardMessage(tableId, shard, spec, start, end)));
    }
    CompletableFuture.allOf(created.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
      if (err != null) {
        synchronized (lock) {
          pendingTables.remove(spec.name());
        }
        dropShards(route);
        LOG.warn("Creating table {} failed: {}", spec.name(), ErrorMapping.messageOf(err));
        c.replyError(requestId, ErrorMapping.codeOf(err), "creating table " + spec.name() + " failed: "
            + ErrorMapping.messageOf(err));
        return;
      }
      RoutingTable now;
      synchronized (lock) {
        pendingTables.remove(spec.name());
        tables.put(spec.name(), route);
        now = bumpVersion();
      }
      LOG.info("Created {} on servers {}", spec, java.util.Arrays.toString(owners));
      c.reply(requestId, new RoutingMessage(now));
    });
  }

  void dropTable(Connection c, long requestId, DropTableMessage m) {
    TableRoute route;
    RoutingTable now;
    synchronized (lock) {
      route = tables.remove(m.name());
      if (route == null) {
        throw new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "no table to drop: name=" + m.name());
      }
      now = bumpVersion();
    }
    dropShards(route).whenComplete((v, err) -> c.reply(requestId, new RoutingMessage(now)));
  }

  void registerWorker(Connection c, long requestId, RegisterWorkerMessage m) {
    WorkerRegisteredMessage reply;
    synchronized (lock) {
      reply = runs.register(c, m, ticker.read());
    }
    c.reply(requestId, reply);
  }

  void clock(Connection c, long requestId, ClockMessage m) {
    CompletableFuture<Long> gate;
    synchronized (lock) {
      gate = runs.run(m.runId()).advance(m.worker(), m.clock(), ticker.read());
    }
    gate.whenComplete((min, err) -> answer(c, requestId, err, new CountMessage(min == null ? -1 : min)));
  }

  void runBarrier(Connection c, long requestId, RunBarrierMessage m) {
    CompletableFuture<Void> done;
    synchronized (lock) {
      done = runs.run(m.runId()).barrier(m.worker(), ticker.read());
    }
    done.whenComplete((v, err) -> answer(c, requestId, err, new OkMessage()));
  }

  void workerHeartbeat(WorkerHeartbeatMessage m) {
    synchronized (lock) {
      runs.heard(m.runId(), m.worker(), ticker.read());
    }
  }

  void finishWorker(Connection c, long requestId, FinishWorkerMessage m) {
    synchronized (lock) {
      runs.finish(c, m.runId(), m.worker(), ticker.read());
    }
    c.reply(requestId, new OkMessage());
  }

  void abortRun(Connection c, long requestId, AbortRunMessage m) {
    synchronized (lock) {
      runs.run(m.runId()).fail("aborted: " + m.reason());
    }
    c.reply(requestId, new OkMessage());
  }

  private static void answer(Connection c, long requestId, Throwable err, Message ok) {
    if (err == null) {
      c.reply(requestId, ok);
    } else if (ErrorMapping.unwrap(err) instanceof RunFailedException rf) {
      c.replyError(requestId, ErrorCode.RUN_FAILED, rf.getMessage());
    } else {
      c.replyError(requestId, ErrorMapping.codeOf(err), ErrorMapping.messageOf(err));
    }
  }

  void connectionClosed(Connection c) {
    Object id = c.attachment();
    synchronized (lock) {
      subscribers.remove(c);
      barriers.forget(c);
      runs.connectionClosed(c);
    }
    if (id instanceof Integer serverId && !closed.get()) {
      declareDead(serverId, "its connection to the scheduler closed");
    }
  }

  // ---- internals ----

  /**
   * Which server holds each shard. Dense tables get one contiguous range per server. Sparse
   * tables get one shard per shard lane of each server, dealt round-robin: a request's slices then
   * run on all lanes (cores) of a server at once instead of queueing on one.
   */
  static int[] shardOwners(TableSpec spec, int[] alive, int lanesPerServer) {
    if (spec.isDense()) {
      return java.util.Arrays.copyOf(alive, (int) Math.min(alive.length, spec.rows()));
    }
    int[] owners = new int[alive.length * Math.max(1, lanesPerServer)];
    for (int i = 0; i < owners.length; i++) {
      owners[i] = alive[i % alive.length];
    }
    return owners;
  }

  private static void checkUpdater(TableSpec spec) {
    try {
      Updaters.create(spec.updater());
    } catch (IllegalArgumentException e) {
      throw new PsRemoteException(ErrorCode.UNKNOWN_UPDATER, e.getMessage());
    }
  }

  private CompletableFuture<Message> send(int serverId, Message m) {
    Connection conn;
    synchronized (lock) {
      conn = servers.connection(serverId);
    }
    if (conn == null || !conn.isActive()) {
      return CompletableFuture.failedFuture(new PsRemoteException(ErrorCode.SERVER_DEAD,
          "server " + serverId + " is not connected"));
    }
    return conn.request(m);
  }

  private CompletableFuture<Void> dropShards(TableRoute route) {
    Set<Integer> owners = new HashSet<>();
    for (int owner : route.shardOwners()) {
      owners.add(owner);
    }
    List<CompletableFuture<Message>> drops = new ArrayList<>();
    for (int owner : owners) {
      // A dead owner has nothing left to drop: failures here are logged, not propagated.
      drops.add(send(owner, new DropShardMessage(route.tableId())).whenComplete((v, err) -> {
        if (err != null) {
          LOG.debug("Dropping table {} on server {}: {}", route.spec().name(), owner, err.toString());
        }
      }));
    }
    return CompletableFuture.allOf(drops.toArray(new CompletableFuture<?>[0]))
        .handle((v, err) -> null);
  }

  private void declareDead(int serverId, String why) {
    Connection conn;
    synchronized (lock) {
      if (!servers.markDead(serverId)) {
        return;
      }
      conn = servers.connection(serverId);
      bumpVersion();
    }
    LOG.warn("Server {} declared dead: {}", serverId, why);
    if (conn != null) {
      conn.close();
    }
  }

  /** Rebuilds the routing table under a new version and sends it to every subscriber. Holds lock. */
  private RoutingTable bumpVersion() {
    routing = new RoutingTable(routing.version() + 1, servers.infos(), new ArrayList<>(tables.values()));
    RoutingUpdateMessage update = new RoutingUpdateMessage(routing);
    for (Connection s : subscribers) {
      s.sendOneWay(update);
    }
    return routing;
  }

  private void completeServerWaiters() {
    int alive = servers.aliveIds().length;
    serverWaiters.removeIf(w -> {
      if (alive >= w.count()) {
        w.future().complete(routing);
        return true;
      }
      return false;
    });
  }

  /** Stops accepting requests, closes every connection and the port. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.shutdownNow();
    listener.close();
    List<Connection> conns;
    synchronized (lock) {
      conns = servers.connections();
      serverWaiters.forEach(w -> w.future().completeExceptionally(
          new IllegalStateException("scheduler closed before " + w.count() + " servers registered")));
      serverWaiters.clear();
    }
    conns.forEach(Connection::close);
    transport.close();
    LOG.info("Parameter-server scheduler stopped");
  }
}
