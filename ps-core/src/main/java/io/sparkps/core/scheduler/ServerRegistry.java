package io.sparkps.core.scheduler;

import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.transport.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers the scheduler knows, their connections and when each was last heard from. Decides
 * which servers are dead from the time it is given (no clock reads of its own), so timeouts are
 * tested by advancing a fake {@link Ticker}. Not thread-safe: the scheduler guards it.
 */
final class ServerRegistry {

  private static final class Entry {
    ServerInfo info;
    final Connection connection;
    long lastHeardNanos;

    Entry(ServerInfo info, Connection connection, long now) {
      this.info = info;
      this.connection = connection;
      this.lastHeardNanos = now;
    }
  }

  private final Map<Integer, Entry> servers = new LinkedHashMap<>();
  private int nextId;

  ServerInfo register(String host, int port, Connection connection, long now) {
    ServerInfo info = new ServerInfo(nextId++, host, port, true);
    servers.put(info.id(), new Entry(info, connection, now));
    return info;
  }

  /** Records a heartbeat; false when the server is unknown or already declared dead. */
  boolean heard(int serverId, long now) {
    Entry e = servers.get(serverId);
    if (e == null || !e.info.alive()) {
      return false;
    }
    e.lastHeardNanos = now;
    return true;
  }

  /** Marks a server dead; false if it was not alive. */
  boolean markDead(int serverId) {
    Entry e = servers.get(serverId);
    if (e == null || !e.info.alive()) {
      return false;
    }
    e.info = e.info.markDead();
    return true;
  }

  /** Ids of alive servers not heard from for longer than {@code timeoutNanos}. */
  List<Integer> silentSince(long now, long timeoutNanos) {
    List<Integer> silent = new ArrayList<>();
    for (Entry e : servers.values()) {
      if (e.info.alive() && now - e.lastHeardNanos > timeoutNanos) {
        silent.add(e.info.id());
      }
    }
    return silent;
  }

  boolean isAlive(int serverId) {
    Entry e = servers.get(serverId);
    return e != null && e.info.alive();
  }

  Connection connection(int serverId) {
    Entry e = servers.get(serverId);
    return e == null ? null : e.connection;
  }

  /** Alive server ids in registration order. */
  int[] aliveIds() {
    return servers.values().stream().filter(e -> e.info.alive()).mapToInt(e -> e.info.id()).toArray();
  }

  List<ServerInfo> infos() {
    List<ServerInfo> out = new ArrayList<>(servers.size());
    for (Entry e : servers.values()) {
      out.add(e.info);
    }
    return out;
  }

  List<Connection> connections() {
    List<Connection> out = new ArrayList<>(servers.size());
    for (Entry e : servers.values()) {
      out.add(e.connection);
    }
    return out;
  }
}
