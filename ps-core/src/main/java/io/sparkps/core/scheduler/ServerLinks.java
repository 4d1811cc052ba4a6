package io.sparkps.core.scheduler;

import io.sparkps.core.clock.Effects;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.transport.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's side of its links to the servers: the {@link ServerRegistry}, who waits for
 * enough servers to be alive, and requests to a server by id (a failed future when it is not
 * connected). Kept apart so every message to a server goes through one {@link #send}. Thread-safe
 * where noted; the rest holds the scheduler's lock, which {@code send} never holds while sending.
 */
final class ServerLinks {

  private static final Logger LOG = LoggerFactory.getLogger(ServerLinks.class);

  private record Waiter(int count, CompletableFuture<RoutingTable> future) {}

  private final Object lock;
  private final PsConfig config;
  /** Called before each request with what is sent: the scheduler's check that its lock is not held. */
  private final Consumer<String> beforeSend;
  private final ServerRegistry registry = new ServerRegistry();
  private final List<Waiter> waiters = new ArrayList<>();

  ServerLinks(Object lock, PsConfig config, Consumer<String> beforeSend) {
    this.lock = lock;
    this.config = config;
    this.beforeSend = beforeSend;
  }

  /** The servers, their connections and liveness. Holds lock. */
  ServerRegistry registry() {
    return registry;
  }

  /** Completes with {@code current} once {@code count} servers are alive (now, if they are). Holds lock. */
  CompletableFuture<RoutingTable> await(int count, RoutingTable current) {
    CompletableFuture<RoutingTable> f = new CompletableFuture<>();
    if (registry.aliveIds().length >= count) {
      f.complete(current);  // new, nobody waits on it yet
    } else {
      waiters.add(new Waiter(count, f));
    }
    return f;
  }

  /** Hands the waiters for which enough servers are now alive to {@code effects}. Holds lock. */
  void releaseWaiters(RoutingTable current, Effects effects) {
    int alive = registry.aliveIds().length;
    waiters.removeIf(w -> {
      if (alive >= w.count()) {
        effects.complete(w.future(), current);
        return true;
      }
      return false;
    });
  }

  /** The scheduler is closing: every waiter fails. Holds lock. */
  void close(Effects effects) {
    waiters.forEach(w -> effects.fail(w.future(),
        new IllegalStateException("scheduler closed before " + w.count() + " servers registered")));
    waiters.clear();
  }

  /** Sends a request with the configured request timeout. Thread-safe; call without the lock. */
  CompletableFuture<Message> send(int serverId, Message m) {
    return send(serverId, m, config.requestTimeout());
  }

  /** Sends a request to a server. Thread-safe; call without the lock. */
  CompletableFuture<Message> send(int serverId, Message m, Duration timeout) {
    Connection conn;
    synchronized (lock) {
      conn = registry.connection(serverId);
    }
    if (conn == null || !conn.isActive()) {
      return CompletableFuture.failedFuture(new PsRemoteException(ErrorCode.SERVER_DEAD,
          "server " + serverId + " is not connected"));
    }
    beforeSend.accept("a request to server " + serverId);
    return conn.request(m, timeout);
  }

  /**
   * Has every owner of {@code route}'s shards drop them. A dead owner has nothing left to drop:
   * failures are logged, not propagated. Thread-safe; call without the lock.
   */
  CompletableFuture<Void> dropShards(TableRoute route) {
    Set<Integer> owners = new LinkedHashSet<>();
    for (int owner : route.shardOwners()) {
      owners.add(owner);
    }
    List<CompletableFuture<Message>> drops = new ArrayList<>();
    for (int owner : owners) {
      drops.add(send(owner, new DropShardMessage(route.tableId())).whenComplete((v, err) -> {
        if (err != null) {
          LOG.debug("Dropping table {} on server {}: {}", route.spec().name(), owner, err.toString());
        }
      }));
    }
    return CompletableFuture.allOf(drops.toArray(new CompletableFuture<?>[0])).handle((v, err) -> null);
  }
}
