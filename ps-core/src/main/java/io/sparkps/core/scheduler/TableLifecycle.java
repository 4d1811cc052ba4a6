package io.sparkps.core.scheduler;

import io.sparkps.core.clock.Effects;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.DropTableMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMapping;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RoutingMessage;
import io.sparkps.core.transport.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating and dropping tables: the catalogue reserves the name, the servers create (or drop) the
 * shards, and only then is the new routing version published and the client answered. Kept apart
 * because a creation spans several servers asynchronously and is shared by client requests and
 * checkpoint restores. Thread-safe: it shares the scheduler's lock; sends and replies happen
 * outside it.
 */
final class TableLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(TableLifecycle.class);

  private final SchedulerCore core;
  private final Object lock;

  TableLifecycle(SchedulerCore core) {
    this.core = core;
    this.lock = core.lock();
  }

  /** A client's request: creates the table and answers with the routing table that has it. */
  void create(Connection c, long requestId, TableSpec spec) {
    create(spec, 0, shard -> "").whenComplete((now, err) -> core.outbox().answer(c, requestId, err,
        now == null ? null : new RoutingMessage(now)));
  }

  /**
   * Creates a table's shards on live servers and publishes its route. {@code shards} = 0 picks
   * the count from the live servers; a restore passes the checkpoint's count and each shard's file.
   */
  CompletableFuture<RoutingTable> create(TableSpec spec, int shards, IntFunction<String> source) {
    int tableId;
    int[] owners;
    synchronized (lock) {
      try {
        core.tables().checkNew(spec);
      } catch (PsRemoteException e) {
        return CompletableFuture.failedFuture(e);
      }
      int[] alive = core.servers().aliveIds();
      if (alive.length == 0) {
        return CompletableFuture.failedFuture(new PsRemoteException(ErrorCode.SERVER_DEAD,
            "no live parameter server to hold table " + spec.name() + "; start servers before creating tables"));
      }
      owners = shards > 0 ? ShardPlacement.roundRobin(alive, shards)
          : ShardPlacement.shardOwners(spec, alive, core.config().shardThreads());
      tableId = core.tables().reserve(spec.name());
    }
    TableRoute route = new TableRoute(tableId, spec, owners);
    List<CompletableFuture<Message>> created = new ArrayList<>();
    for (int shard = 0; shard < owners.length; shard++) {
      created.add(core.links().send(owners[shard], ShardPlacement.createShard(route, shard, source.apply(shard)),
          core.config().clockTimeout()));
    }
    return CompletableFuture.allOf(created.toArray(new CompletableFuture<?>[0])).handle((v, err) -> {
      if (err != null) {
        synchronized (lock) {
          core.tables().abandoned(spec.name());
        }
        core.links().dropShards(route);
        LOG.warn("Creating table {} failed: {}", spec.name(), ErrorMapping.messageOf(err));
        throw new PsRemoteException(ErrorMapping.codeOf(err), "creating table " + spec.name() + " failed: "
            + ErrorMapping.messageOf(err));
      }
      RoutingTable now;
      Effects effects = new Effects(lock);
      synchronized (lock) {
        core.tables().created(route);
        now = core.publish(effects);
      }
      effects.run();
      LOG.info("Created {} on servers {}", spec, Arrays.toString(owners));
      return now;
    });
  }

  /** A client's request: removes the table, has its servers drop the shards, then answers. */
  void drop(Connection c, long requestId, DropTableMessage m) {
    TableRoute route;
    RoutingTable now;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      route = core.tables().remove(m.name());
      if (route == null) {
        throw new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "no table to drop: name=" + m.name());
      }
      now = core.publish(effects);
    }
    effects.run();
    core.links().dropShards(route).whenComplete((v, err) -> core.outbox().reply(c, requestId, new RoutingMessage(now)));
  }
}
