package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.partition.RoutingTable;
import java.util.Objects;

/**
 * The scheduler's routing table, answering {@link GetRoutingMessage}, {@link SubscribeRoutingMessage},
 * {@link CreateTableMessage} and {@link DropTableMessage}; changes reach subscribers as {@link RoutingUpdateMessage}.
 * Immutable.
 */
public record RoutingMessage(RoutingTable routing) implements RoutingTableBody {

  public RoutingMessage {
    Objects.requireNonNull(routing, "routing");
  }

  @Override
  public MessageType type() {
    return MessageType.ROUTING;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static RoutingMessage decode(ByteBuf body) {
    return new RoutingMessage(RoutingCodec.readRoutingTable(body));
  }
}
