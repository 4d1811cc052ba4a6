package io.sparkps.core.scheduler;

import io.sparkps.core.clock.Effects;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisteredMessage;
import io.sparkps.core.transport.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers joining and leaving: registration, heartbeats, and declaring a server dead (silent too
 * long, its connection closed, or reported lost), which publishes the new routing and has
 * {@link ShardRecovery} move its shards, unless the deployment is stopping. Kept apart so that
 * every way a server comes or goes ends in the same two steps. Thread-safe: it shares the
 * scheduler's lock; replies and closes happen outside it.
 */
final class ServerMembership {

  private static final Logger LOG = LoggerFactory.getLogger(ServerMembership.class);

  private final SchedulerCore core;
  private final Object lock;
  private final ShardRecovery recovery;
  /** Set by {@link #beginClose()}: servers that stop now are leaving, not lost. */
  private final AtomicBoolean stopping = new AtomicBoolean();

  ServerMembership(SchedulerCore core, ShardRecovery recovery) {
    this.core = core;
    this.lock = core.lock();
    this.recovery = recovery;
  }

  void register(Connection c, long requestId, RegisterServerMessage m) {
    ServerInfo info;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      info = core.servers().register(m.host(), m.port(), c, core.ticker().read());
      c.attach(info.id());
      core.links().releaseWaiters(core.publish(effects), effects);
    }
    effects.run();
    LOG.info("Server {} registered at {}", info.id(), info.address());
    core.outbox().reply(c, requestId, new RegisteredMessage(info.id()));
    recovery.recover();  // shards orphaned while no server was alive find an owner now
  }

  /**
   * Records a server's heartbeat and answers it. Servers time our silence: only a live server's
   * beat renews its lease, an unknown or dead one is told to stop serving.
   */
  void heartbeat(Connection c, long requestId, HeartbeatMessage m) {
    boolean alive;
    synchronized (lock) {
      alive = core.servers().heard(m.serverId(), core.ticker().read());
    }
    if (!alive) {
      LOG.debug("Heartbeat from unknown or dead server {}", m.serverId());
    }
    core.outbox().answer(c, requestId, alive ? null : new PsRemoteException(ErrorCode.SERVER_DEAD,
        "server " + m.serverId() + " is unknown or was declared dead; stop serving"), new OkMessage());
  }

  /** Declares dead every server silent for longer than the heartbeat timeout; returns their ids. */
  List<Integer> declareSilentDead() {
    List<Integer> silent;
    synchronized (lock) {
      silent = core.servers().silentSince(core.ticker().read(), core.config().heartbeatTimeout().toNanos());
    }
    for (int id : silent) {
      declareDead(id, "no heartbeat for more than " + core.config().heartbeatTimeout());
    }
    return silent;
  }

  /** The whole deployment is stopping: servers that go from now on are leaving, not lost. */
  void beginClose() {
    stopping.set(true);
  }

  /**
   * Marks a server dead, publishes the routing without it, closes its connection and, unless the
   * deployment is stopping, moves its shards. Unknown and already dead ids are ignored.
   */
  void declareDead(int serverId, String why) {
    Connection conn;
    Effects effects = new Effects(lock);
    synchronized (lock) {
      if (!core.servers().markDead(serverId)) {
        return;
      }
      conn = core.servers().connection(serverId);
      core.publish(effects);
    }
    effects.run();
    boolean leaving = stopping.get() || core.closed().get();
    if (leaving) {
      LOG.info("Server {} left: the deployment is stopping ({})", serverId, why);
    } else {
      core.metrics().serverLost();
      // The one line a lost server is worth: the recovery steps follow at INFO.
      LOG.warn("Server {} declared dead ({}); its shards move to the live servers, restored from the latest "
          + "checkpoint, and running training runs roll back to it", serverId, why);
    }
    if (conn != null) {
      core.outbox().check("closing server " + serverId + "'s connection");
      conn.close();
    }
    if (!leaving) {
      recovery.recover();
    }
  }
}
