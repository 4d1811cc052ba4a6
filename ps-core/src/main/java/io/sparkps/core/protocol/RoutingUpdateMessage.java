package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.partition.RoutingTable;
import java.util.Objects;

/**
 * One-way (request id 0), scheduler to subscribed clients: the routing table changed. Not a
 * response type, so it never completes an outstanding request. Immutable.
 */
public record RoutingUpdateMessage(RoutingTable routing) implements RoutingTableBody {

  public RoutingUpdateMessage {
    Objects.requireNonNull(routing, "routing");
  }

  @Override
  public MessageType type() {
    return MessageType.ROUTING_UPDATE;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RoutingUpdateMessage decode(ByteBuf body) {
    return new RoutingUpdateMessage(RoutingCodec.readRoutingTable(body));
  }
}
