package io.sparkps.core.partition;

import java.util.Objects;

/**
 * One parameter server as the routing table knows it: its id, where it listens, and whether
 * the scheduler still considers it alive. Immutable.
 */
public record ServerInfo(int id, String host, int port, boolean alive) {

  public ServerInfo {
    Objects.requireNonNull(host, "host");
  }

  public ServerInfo markDead() {
    return new ServerInfo(id, host, port, false);
  }

  public String address() {
    return host + ":" + port;
  }
}
