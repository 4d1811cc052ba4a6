package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import java.util.ArrayList;
import java.util.List;

/**
 * Little-endian encoding of the routing table (servers and table routes) carried by ROUTING and
 * ROUTING_UPDATE. Counts are checked against a minimal element size before anything is
 * allocated. No method takes ownership of the {@code ByteBuf}. Stateless.
 */
public final class RoutingCodec {

  private RoutingCodec() {}

  /** Smallest encoding of a ServerInfo: id, empty host, port, alive. */
  private static final int MIN_SERVER_BYTES = 4 + 4 + 4 + 1;
  /** Smallest encoding of a TableRoute: id, a minimal spec, owner count. */
  private static final int MIN_ROUTE_BYTES = 4 + (4 + 1 + 8 + 4 + 4 + 4 + 25 + 1) + 4;

  public static int serverInfoLength(ServerInfo s) {
    return 4 + Codec.stringLength(s.host()) + 4 + 1;
  }

  public static void writeServerInfo(ByteBuf buf, ServerInfo s) {
    buf.writeIntLE(s.id());
    Codec.writeString(buf, s.host());
    buf.writeIntLE(s.port());
    Codec.writeBoolean(buf, s.alive());
  }

  public static ServerInfo readServerInfo(ByteBuf buf) {
    int id = buf.readIntLE();
    String host = Codec.readString(buf, "server host");
    int port = buf.readIntLE();
    boolean alive = Codec.readBoolean(buf, "server alive");
    return new ServerInfo(id, host, port, alive);
  }

  public static int tableRouteLength(TableRoute r) {
    return 4 + SpecCodec.tableSpecLength(r.spec()) + Codec.intsLength(r.shardOwners());
  }

  public static void writeTableRoute(ByteBuf buf, TableRoute r) {
    buf.writeIntLE(r.tableId());
    SpecCodec.writeTableSpec(buf, r.spec());
    Codec.writeInts(buf, r.shardOwners());
  }

  public static TableRoute readTableRoute(ByteBuf buf) {
    int tableId = buf.readIntLE();
    TableSpec spec = SpecCodec.readTableSpec(buf);
    int[] owners = Codec.readInts(buf, "shard owners");
    return new TableRoute(tableId, spec, owners);
  }

  public static int routingTableLength(RoutingTable r) {
    int n = 8 + 4 + 4;
    for (ServerInfo s : r.servers()) {
      n = Math.addExact(n, serverInfoLength(s));
    }
    for (TableRoute t : r.tables()) {
      n = Math.addExact(n, tableRouteLength(t));
    }
    return n;
  }

  public static void writeRoutingTable(ByteBuf buf, RoutingTable r) {
    buf.writeLongLE(r.version());
    buf.writeIntLE(r.servers().size());
    for (ServerInfo s : r.servers()) {
      writeServerInfo(buf, s);
    }
    buf.writeIntLE(r.tables().size());
    for (TableRoute t : r.tables()) {
      writeTableRoute(buf, t);
    }
  }

  public static RoutingTable readRoutingTable(ByteBuf buf) {
    long version = buf.readLongLE();
    int serverCount = Codec.readCount(buf, MIN_SERVER_BYTES, "routing servers");
    List<ServerInfo> servers = new ArrayList<>(serverCount);
    for (int i = 0; i < serverCount; i++) {
      servers.add(readServerInfo(buf));
    }
    int tableCount = Codec.readCount(buf, MIN_ROUTE_BYTES, "routing tables");
    List<TableRoute> tables = new ArrayList<>(tableCount);
    for (int i = 0; i < tableCount; i++) {
      tables.add(readTableRoute(buf));
    }
    try {
      return new RoutingTable(version, servers, tables);
    } catch (IllegalStateException e) {
      // Collectors.toUnmodifiableMap: two servers with one id, or two tables with one name.
      throw new MalformedMessageException("inconsistent routing table: " + e.getMessage(), e);
    }
  }
}
