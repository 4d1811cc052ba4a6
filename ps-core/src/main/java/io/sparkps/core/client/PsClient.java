package io.sparkps.core.client;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.BarrierMessage;
import io.sparkps.core.protocol.CreateTableMessage;
import io.sparkps.core.protocol.DropTableMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RoutingMessage;
import io.sparkps.core.protocol.RoutingUpdateMessage;
import io.sparkps.core.protocol.SubscribeRoutingMessage;
import io.sparkps.core.protocol.ValuesTarget;
import io.sparkps.core.transport.Await;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.ReplySink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a parameter-server deployment: follows the scheduler's routing table, keeps one
 * connection per server, and hands out table handles whose operations are sliced per shard and
 * merged back in key order. Thread-safe: one client per JVM is shared by all its threads.
 *
 * <pre>{@code
 * try (PsClient client = PsClient.connect(config, schedulerHost, schedulerPort)) {
 *   SparseTable w = client.createSparseTable(TableSpec.sparse("w", 16).withUpdater(UpdaterSpec.adagrad(0.1)));
 *   float[] rows = w.pull(new long[] {3, 7, 42});
 *   w.push(new long[] {3, 7, 42}, gradients);
 * }
 * }</pre>
 */
public final class PsClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsClient.class);

  /** What to do when a blocking call waits longer than the request timeout. */
  static final String REQUEST_REMEDY =
      "it may still complete; raise requestTimeout if the servers are only slow, or check that they are alive";

  private final PsConfig config;
  private final PsTransportContext transport;
  private final Connection scheduler;
  private final AtomicReference<RoutingTable> routing = new AtomicReference<>(RoutingTable.empty());
  private final ConcurrentHashMap<Integer, CompletableFuture<Connection>> servers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Callers waiting for a routing version; guarded by itself. */
  private final java.util.List<RoutingWaiter> routingWaiters = new java.util.ArrayList<>();

  private record RoutingWaiter(long version, CompletableFuture<RoutingTable> future) {}

  /** Created with the first worker; guarded by this. */
  private java.util.concurrent.ScheduledExecutorService heartbeats;

  private PsClient(PsConfig config, String host, int port) throws IOException {
    this.config = config;
    this.transport = new PsTransportContext(config, "ps-client");
    try {
      this.scheduler = Await.result(transport.connect(host, port, (c, id, m) -> onSchedulerMessage(m)),
          config.connectTimeout().plus(config.requestTimeout()), "connecting to the scheduler at " + host + ":" + port);
      Message m = Await.result(scheduler.request(new SubscribeRoutingMessage()), config.requestTimeout(),
          "subscribing to routing updates", REQUEST_REMEDY);
      applyRouting(((RoutingMessage) m).routing());
    } catch (UncheckedIOException e) {
      transport.close();
      throw e.getCause();
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /**
   * Connects to the scheduler at {@code host:port} and subscribes to routing updates.
   *
   * @throws IOException when the scheduler cannot be reached or refuses the credentials (the
   *     transport failure itself; every other outcome is unchecked, as {@link Await} says: a
   *     {@code PsDeadlineException} if the wait itself ran out, a {@code PsInterruptedException}
   *     if the calling thread was interrupted)
   */
  public static PsClient connect(PsConfig config, String host, int port) throws IOException {
    return new PsClient(config, host, port);
  }

  public PsConfig config() {
    return config;
  }

  /** The newest routing table this client has seen. */
  public RoutingTable routing() {
    return routing.get();
  }

  /**
   * Completes once this client has seen a routing table of at least {@code version} (for example
   * after the scheduler declared a server dead), without polling.
   */
  public CompletableFuture<RoutingTable> routingAtLeast(long version) {
    CompletableFuture<RoutingTable> f = new CompletableFuture<>();
    synchronized (routingWaiters) {
      RoutingTable now = routing.get();
      if (now.version() >= version) {
        f.complete(now);
      } else {
        routingWaiters.add(new RoutingWaiter(version, f));
      }
    }
    return f;
  }

  /** Creates a table on the servers alive now; completes with the routing table that holds it. */
  public CompletableFuture<RoutingTable> createTableAsync(TableSpec spec) {
    return scheduler.request(new CreateTableMessage(spec)).thenApply(m -> {
      RoutingTable rt = ((RoutingMessage) m).routing();
      applyRouting(rt);
      return rt;
    });
  }

  /** Creates a dense table and returns its handle. */
  public DenseTable createDenseTable(TableSpec spec) {
    requireKind(spec, TableSpec.Kind.DENSE);
    Await.result(createTableAsync(spec), config.requestTimeout(), "creating table " + spec.name(),
        REQUEST_REMEDY);
    return denseTable(spec.name());
  }

  /** Creates a sparse table and returns its handle. */
  public SparseTable createSparseTable(TableSpec spec) {
    requireKind(spec, TableSpec.Kind.SPARSE);
    Await.result(createTableAsync(spec), config.requestTimeout(), "creating table " + spec.name(),
        REQUEST_REMEDY);
    return sparseTable(spec.name());
  }

  /** A handle on an existing dense table. */
  public DenseTable denseTable(String name) {
    TableRoute route = lookup(name);
    requireKind(route.spec(), TableSpec.Kind.DENSE);
    return new DenseTable(this, route);
  }

  /** A handle on an existing sparse table. */
  public SparseTable sparseTable(String name) {
    TableRoute route = lookup(name);
    requireKind(route.spec(), TableSpec.Kind.SPARSE);
    return new SparseTable(this, route);
  }

  /** Drops a table and its data on every server. */
  public void dropTable(String name) {
    Message m = Await.result(scheduler.request(new DropTableMessage(name)), config.requestTimeout(),
        "dropping table " + name, REQUEST_REMEDY);
    applyRouting(((RoutingMessage) m).routing());
  }

  /** Completes when {@code parties} callers (in any JVM) have reached the barrier {@code name}. */
  public CompletableFuture<Void> barrierAsync(String name, int parties) {
    return scheduler.request(new BarrierMessage(name, parties)).thenApply(m -> null);
  }

  public void barrier(String name, int parties) {
    Await.result(barrierAsync(name, parties), config.requestTimeout(), "barrier " + name);
  }

  // ---- used by table handles and workers ----

  /** A request to the scheduler. */
  CompletableFuture<Message> control(Message m, java.time.Duration timeout) {
    return scheduler.request(m, timeout);
  }

  void controlOneWay(Message m) {
    scheduler.sendOneWay(m);
  }

  /** Opens connections to every live server, so later requests go out in the order they are made. */
  CompletableFuture<Void> connectAll() {
    return CompletableFuture.allOf(routing.get().servers().stream().filter(ServerInfo::alive)
        .map(this::connection).toArray(CompletableFuture<?>[]::new));
  }

  /**
   * Runs {@code task} every heartbeat interval on the client's one heartbeat thread, starting one
   * interval from now (registering counts as the first sign of life).
   */
  java.util.concurrent.ScheduledFuture<?> everyHeartbeat(Runnable task) {
    synchronized (this) {
      if (heartbeats == null) {
        heartbeats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "ps-client-heartbeat");
          t.setDaemon(true);
          return t;
        });
      }
      long every = config.heartbeatInterval().toNanos();
      return heartbeats.scheduleAtFixedRate(task, every, every, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** The current route of a table, checking it is still the table the handle was made for. */
  TableRoute route(String name, int tableId) {
    TableRoute r = routing.get().table(name).orElse(null);
    if (r == null || r.tableId() != tableId) {
      throw new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "table " + name
          + " no longer exists (dropped or re-created); get a new handle");
    }
    return r;
  }

  /** Sends a request to the server owning {@code shard}; fails fast when that server is dead. */
  CompletableFuture<Message> send(TableRoute route, int shard, Message request) {
    int owner = route.ownerOf(shard);
    ServerInfo server = routing.get().server(owner).orElse(null);
    if (server == null || !server.alive()) {
      return CompletableFuture.failedFuture(new PsRemoteException(ErrorCode.SERVER_DEAD, "server "
          + owner + (server == null ? "" : " at " + server.address()) + " holding shard " + shard
          + " of table " + route.spec().name() + " is dead (routing version " + routing.get().version() + ")"));
    }
    return connection(server).thenCompose(c -> c.request(request));
  }

  /**
   * As {@link #send(TableRoute, int, Message)}, with the outcome going to {@code sink} on the thread
   * that settles it (see {@link ReplySink}) and a VALUES reply read into {@code target} if it is not
   * null. A dead server or a failed connection fails the sink (on this thread when known now).
   */
  void send(TableRoute route, int shard, Message request, ValuesTarget target, ReplySink sink) {
    int owner = route.ownerOf(shard);
    ServerInfo server = routing.get().server(owner).orElse(null);
    if (server == null || !server.alive()) {
      sink.fail(new PsRemoteException(ErrorCode.SERVER_DEAD, "server "
          + owner + (server == null ? "" : " at " + server.address()) + " holding shard " + shard
          + " of table " + route.spec().name() + " is dead (routing version " + routing.get().version() + ")"));
      return;
    }
    CompletableFuture<Connection> c = connection(server);
    Connection ready = c.isDone() && !c.isCompletedExceptionally() ? c.join() : null;
    if (ready != null) {
      // The common case: no future between the caller and the write.
      ready.request(request, config.requestTimeout(), target, sink);
      return;
    }
    c.whenComplete((conn, err) -> {
      if (err != null) {
        sink.fail(err instanceof java.util.concurrent.CompletionException && err.getCause() != null
            ? err.getCause() : err);
      } else {
        conn.request(request, config.requestTimeout(), target, sink);
      }
    });
  }

  /** Where async table operations complete their futures: never on an I/O thread. */
  java.util.concurrent.Executor callbacks() {
    return transport.callbackExecutor();
  }

  int maxFrameBytes() {
    return config.maxFrameBytes();
  }

  private CompletableFuture<Connection> connection(ServerInfo server) {
    CompletableFuture<Connection> f = servers.computeIfAbsent(server.id(),
        id -> transport.connect(server.host(), server.port(), null));
    if (f.isCompletedExceptionally() || (f.isDone() && !f.join().isActive())) {
      // A broken connection is replaced on next use; the failed requests were already failed.
      servers.remove(server.id(), f);
      return servers.computeIfAbsent(server.id(), id -> transport.connect(server.host(), server.port(), null));
    }
    return f;
  }

  private TableRoute lookup(String name) {
    return routing.get().table(name).orElseThrow(() -> new PsRemoteException(ErrorCode.UNKNOWN_TABLE,
        "no table named " + name + " (known: " + routing.get().tables().stream()
            .map(t -> t.spec().name()).toList() + ")"));
  }

  private static void requireKind(TableSpec spec, TableSpec.Kind kind) {
    if (spec.kind() != kind) {
      throw new IllegalArgumentException("table " + spec.name() + " is " + spec.kind()
          + ", not " + kind + ": use the " + spec.kind().name().toLowerCase() + "Table methods");
    }
  }

  private void onSchedulerMessage(Message m) {
    if (m instanceof RoutingUpdateMessage u) {
      applyRouting(u.routing());
    }
  }

  /** Keeps the newest table; closes connections to servers it declares dead (failing their requests). */
  private void applyRouting(RoutingTable next) {
    RoutingTable prev = routing.getAndUpdate(cur -> next.version() > cur.version() ? next : cur);
    if (next.version() <= prev.version()) {
      return;
    }
    java.util.List<RoutingWaiter> ready = new java.util.ArrayList<>();
    synchronized (routingWaiters) {
      routingWaiters.removeIf(w -> w.version() <= next.version() && ready.add(w));
    }
    ready.forEach(w -> w.future().complete(next));
    for (ServerInfo s : next.servers()) {
      if (!s.alive()) {
        CompletableFuture<Connection> f = servers.remove(s.id());
        if (f != null) {
          LOG.info("Server {} at {} declared dead by the scheduler; failing its outstanding requests",
              s.id(), s.address());
          f.thenAccept(Connection::close);
        }
      }
    }
  }

  /** Closes every connection (failing outstanding requests) and the event loops. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (heartbeats != null) {
        heartbeats.shutdownNow();
      }
    }
    scheduler.close();
    servers.values().forEach(f -> f.thenAccept(Connection::close));
    servers.clear();
    transport.close();
  }
}
