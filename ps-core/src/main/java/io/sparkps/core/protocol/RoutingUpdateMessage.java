package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.partition.RoutingTable;
import java.util.Objects;

/**
 * One-way (request id 0), scheduler to subscribed clients: the routing table changed. Not a
 * response type, so it never completes an outstanding request. Immutable.
 */
public record RoutingUpdateMessage(RoutingTable routing) implements Message {

  public RoutingUpdateMessage {
    Objects.requireNonNull(routing, "routing");
  }

  @Override
  public MessageType type() {
    return MessageType.ROUTING_UPDATE;
  }

  @Override
  public int encodedLength() {
    return Codec.routingTableLength(routing);
  }

  @Override
  public void encode(ByteBuf buf) {
    Codec.writeRoutingTable(buf, routing);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RoutingUpdateMessage decode(ByteBuf body) {
    RoutingTable routing = Codec.readRoutingTable(body);
    return new RoutingUpdateMessage(routing);
  }
}
