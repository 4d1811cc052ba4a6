package io.sparkps.core.scheduler;

import io.sparkps.core.clock.Effects;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.RoutingUpdateMessage;
import io.sparkps.core.transport.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The routing table clients route by, its version, and the connections subscribed to its changes.
 * Kept apart so that every change of servers or tables goes through one {@link #publish}, which
 * bumps the version and hands the update for every subscriber to the caller's {@link Effects}
 * (sent after the scheduler's lock is released). Not thread-safe: the scheduler guards it.
 */
final class RoutingPublisher {

  private final Set<Connection> subscribers = new HashSet<>();
  /** Called before each send with what is sent: the scheduler's check that its lock is not held. */
  private final Consumer<String> beforeSend;
  private RoutingTable current = RoutingTable.empty();

  RoutingPublisher(Consumer<String> beforeSend) {
    this.beforeSend = beforeSend;
  }

  RoutingTable current() {
    return current;
  }

  /** Adds a subscriber; returns the table it starts from. */
  RoutingTable subscribe(Connection c) {
    subscribers.add(c);
    return current;
  }

  void unsubscribe(Connection c) {
    subscribers.remove(c);
  }

  /**
   * Makes {@code servers} and {@code tables} the routing table's next version, and has
   * {@code effects} send it to every subscriber.
   */
  RoutingTable publish(List<ServerInfo> servers, Collection<TableRoute> tables, Effects effects) {
    current = new RoutingTable(current.version() + 1, servers, new ArrayList<>(tables));
    RoutingUpdateMessage update = new RoutingUpdateMessage(current);
    for (Connection s : List.copyOf(subscribers)) {
      effects.add(() -> {
        beforeSend.accept("a routing update");
        s.sendOneWay(update);
      });
    }
    return current;
  }
}
