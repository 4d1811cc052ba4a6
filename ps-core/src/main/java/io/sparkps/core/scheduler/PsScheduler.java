package io.sparkps.core.scheduler;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.clock.Effects;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.metrics.SchedulerMetrics;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.protocol.BarrierMessage;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.RoutingMessage;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.ListenerStats;
import io.sparkps.core.transport.TransportServer;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: registry of servers with heartbeat-based death detection, the table catalogue,
 * the versioned routing table (pushed to subscribed clients on every change), and named barriers.
 * A facade that wires its rooms around their shared {@link SchedulerCore}: {@link ServerMembership},
 * {@link ServerLinks}, {@link TableLifecycle}, {@link TableCatalog}, {@link RoutingPublisher},
 * {@link ClockService}, {@link CheckpointCoordinator}, {@link ShardRecovery}, {@link Barriers}.
 * Runs in the Spark driver, or anywhere for tests. Thread-safe: all state is guarded by one lock,
 * held briefly. Under it only state changes and decisions are made: the futures to complete and
 * the messages to send are collected in an {@link Effects} and run after the lock is released, and
 * every reply or send checks that the lock is not held ({@link Outbox}). Time comes from the ticker.
 */
public final class PsScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsScheduler.class);

  private final PsTransportContext transport;
  private final TransportServer listener;
  /** Runs the heartbeat checks and the retries of failed shard moves. */
  private final ScheduledExecutorService timer;
  /** Checkpoint writing, restores and recovery bookkeeping: file I/O kept off I/O threads and the lock. */
  private final ExecutorService background;

  private final SchedulerCore core;
  private final Object lock;
  /** Replies, sends and closes so far, and those made under the lock (a bug, see {@link Outbox}); for tests. */
  final AtomicLong ioCalls;
  final AtomicLong ioUnderLock;
  private final Barriers barriers = new Barriers();
  private final ShardRecovery recovery;
  private final ServerMembership membership;
  private final CheckpointCoordinator checkpoints;
  private final ClockService clocks;

  private PsScheduler(PsConfig config, int port, Ticker ticker) throws IOException {
    this.core = SchedulerCore.create(config, ticker);
    this.lock = core.lock();
    this.ioCalls = core.outbox().calls;
    this.ioUnderLock = core.outbox().underLock;
    this.transport = new PsTransportContext(config, "ps-scheduler", PsRole.SCHEDULER);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ps-scheduler-heartbeat-check"));
    this.background = Executors.newSingleThreadExecutor(r -> daemon(r, "ps-scheduler-checkpoints"));
    this.recovery = new ShardRecovery(core, timer);
    this.membership = new ServerMembership(core, recovery);
    TableLifecycle tables = new TableLifecycle(core);
    this.checkpoints = new CheckpointCoordinator(core, background, recovery, tables);
    this.clocks = new ClockService(core, checkpoints, recovery);
    try {
      this.listener = transport.createServer(config.host(), port,
          new SchedulerHandler(core.outbox(), this, membership, tables, clocks));
    } catch (IOException | RuntimeException e) {
      timer.shutdownNow();
      background.shutdownNow();
      transport.close();
      throw e;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
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

  /** What the listening port saw: open, unauthenticated and refused connections. */
  public ListenerStats listenerStats() {
    return listener.stats();
  }

  /** The current routing table. */
  public RoutingTable routing() {
    synchronized (lock) {
      return core.routing().current();
    }
  }

  /** Completes with the routing table once at least {@code count} servers are alive. */
  public CompletableFuture<RoutingTable> awaitServers(int count) {
    synchronized (lock) {
      return core.links().await(count, core.routing().current());
    }
  }

  /**
   * Declares dead every server silent for longer than the heartbeat timeout, by the ticker's time,
   * and fails the silent workers of training runs. Runs every heartbeat interval; tests call it
   * directly.
   *
   * @return ids of the servers declared dead by this call
   */
  public List<Integer> checkHeartbeats() {
    List<Integer> silent = membership.declareSilentDead();
    clocks.failSilentWorkers();
    return silent;
  }

  /**
   * Declares a server lost now, for a caller that learns of it before the server's connection
   * closes or its heartbeats stop (Spark reporting its executor removed): its shards move as
   * for any dead server. Unknown and already dead ids are ignored.
   */
  public void serverLost(int serverId, String why) {
    membership.declareDead(serverId, why);
  }

  /**
   * Announces that the whole deployment is stopping (the application ends): servers that go from
   * now on are leaving, not lost, so their shards are not moved and nothing is reported as a
   * failure. {@link #close()} follows.
   */
  public void beginClose() {
    membership.beginClose();
  }

  /** Progress and statistics of the training run named {@code run}, if it exists. */
  public Optional<RunStats> runStats(String run) {
    synchronized (lock) {
      return core.runs().stats(run);
    }
  }

  /** Every training run's statistics (finished and failed ones too), in start order. */
  public List<RunStats> allRunStats() {
    synchronized (lock) {
      return core.runs().allStats();
    }
  }

  /** Servers lost, checkpoints and recoveries counted so far (live counters, read without the lock). */
  public SchedulerMetrics metrics() {
    return core.metrics();
  }

  /** The scheduler's time source (wall-clock millis for ages of checkpoints). */
  public Ticker ticker() {
    return core.ticker();
  }

  // ---- checkpoints (CheckpointCoordinator) ----

  /** Sets where checkpoints go and how often they are taken automatically. */
  public void configureCheckpoints(CheckpointPolicy policy) {
    checkpoints.configure(policy);
  }

  public Optional<CheckpointPolicy> checkpointPolicy() {
    return checkpoints.policy();
  }

  /**
   * Keeps checkpoint directory {@code dir} (a {@code ckpt-NNNNNNNN} directory under the policy's)
   * from being pruned when newer checkpoints exceed the policy's {@code keep}, until {@link
   * #unpinCheckpoint}: for a component that will restore it later (a stream's full checkpoint).
   * Pinned checkpoints do not count against {@code keep}. In memory: a new scheduler pins nothing.
   */
  public void pinCheckpoint(String dir) {
    checkpoints.pin(java.util.Objects.requireNonNull(dir, "dir"));
  }

  /** Lets a checkpoint pinned with {@link #pinCheckpoint} be pruned again. */
  public void unpinCheckpoint(String dir) {
    checkpoints.unpin(java.util.Objects.requireNonNull(dir, "dir"));
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

  // ---- requests no room owns (called by SchedulerHandler on I/O threads; never blocks) ----

  void subscribe(Connection c, long requestId) {
    RoutingTable current;
    synchronized (lock) {
      current = core.routing().subscribe(c);
    }
    core.outbox().reply(c, requestId, new RoutingMessage(current));
  }

  void getRouting(Connection c, long requestId) {
    core.outbox().reply(c, requestId, new RoutingMessage(routing()));
  }

  void barrier(Connection c, long requestId, BarrierMessage m) {
    List<Barriers.Waiter> released;
    synchronized (lock) {
      released = barriers.arrive(m.name(), m.parties(), c, requestId);
    }
    for (Barriers.Waiter w : released) {
      core.outbox().reply(w.connection(), w.requestId(), new OkMessage());
    }
  }

  /** A peer's connection closed: it leaves every room, and a server's closing declares it dead. */
  void connectionClosed(Connection c) {
    Effects effects = new Effects(lock);
    synchronized (lock) {
      core.routing().unsubscribe(c);
      barriers.forget(c);
      core.runs().connectionClosed(c, effects);
    }
    effects.run();
    if (c.attachment() instanceof Integer serverId && !core.closed().get()) {
      membership.declareDead(serverId, "its connection to the scheduler closed");
    }
  }

  /** Whether the calling thread holds the scheduler's lock; for tests. */
  boolean holdsLock() {
    return Thread.holdsLock(lock);
  }

  /** Stops accepting requests, closes every connection and the port. Idempotent. */
  @Override
  public void close() {
    if (!core.closed().compareAndSet(false, true)) {
      return;
    }
    timer.shutdownNow();
    background.shutdownNow();
    listener.close();
    List<Connection> conns;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      conns = core.servers().connections();
      core.links().close(effects);
      // Whoever waits on a checkpoint or a recovery gets an answer instead of its timeout.
      checkpoints.close(effects);
      recovery.close(effects);
    }
    effects.run();
    core.outbox().check("closing the servers' connections");
    conns.forEach(Connection::close);
    transport.close();
    LOG.info("Parameter-server scheduler stopped");
  }
}
