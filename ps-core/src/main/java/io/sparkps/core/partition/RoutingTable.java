package io.sparkps.core.partition;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The scheduler's answer to "who owns what": the servers it knows, the tables in the catalogue
 * and their shard owners, under a version that grows by one with every change. Clients cache it
 * and refresh when a server says the version they used is stale. Immutable.
 */
public final class RoutingTable {

  private final long version;
  private final List<ServerInfo> servers;
  private final List<TableRoute> tables;
  private final Map<String, TableRoute> byName;
  private final Map<Integer, ServerInfo> serversById;

  public RoutingTable(long version, List<ServerInfo> servers, List<TableRoute> tables) {
    this.version = version;
    this.servers = List.copyOf(servers);
    this.tables = List.copyOf(tables);
    this.byName = this.tables.stream()
        .collect(Collectors.toUnmodifiableMap(t -> t.spec().name(), Function.identity()));
    this.serversById = this.servers.stream()
        .collect(Collectors.toUnmodifiableMap(ServerInfo::id, Function.identity()));
  }

  public static RoutingTable empty() {
    return new RoutingTable(0, List.of(), List.of());
  }

  public long version() {
    return version;
  }

  public List<ServerInfo> servers() {
    return servers;
  }

  public List<TableRoute> tables() {
    return tables;
  }

  public Optional<TableRoute> table(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Optional<ServerInfo> server(int id) {
    return Optional.ofNullable(serversById.get(id));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoutingTable r && version == r.version && servers.equals(r.servers)
        && tables.equals(r.tables);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, servers, tables);
  }

  @Override
  public String toString() {
    return "RoutingTable{version=" + version + ", servers=" + servers + ", tables=" + tables + "}";
  }
}
