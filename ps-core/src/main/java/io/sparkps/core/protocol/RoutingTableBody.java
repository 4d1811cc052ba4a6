package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.partition.RoutingTable;

/**
 * A message whose whole body is a routing table ({@link Codec#writeRoutingTable}): the ROUTING
 * response and the one-way ROUTING_UPDATE carry the same bytes and differ only in their type,
 * so the encoding lives here once. Implementations are immutable records.
 */
public interface RoutingTableBody extends Message {

  RoutingTable routing();

  @Override
  default int encodedLength() {
    return RoutingCodec.routingTableLength(routing());
  }

  @Override
  default void encode(ByteBuf buf) {
    RoutingCodec.writeRoutingTable(buf, routing());
  }
}
