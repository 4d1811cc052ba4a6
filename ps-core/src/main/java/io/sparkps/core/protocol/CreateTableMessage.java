package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.TableSpec;
import java.util.Objects;

/**
 * Control request, client to scheduler: create a table. Answered by {@link RoutingMessage}
 * with the new routing table.
 * Immutable.
 */
public record CreateTableMessage(TableSpec spec) implements Message {

  public CreateTableMessage {
    Objects.requireNonNull(spec, "spec");
  }

  @Override
  public MessageType type() {
    return MessageType.CREATE_TABLE;
  }

  @Override
  public int encodedLength() {
    return SpecCodec.tableSpecLength(spec);
  }

  @Override
  public void encode(ByteBuf buf) {
    SpecCodec.writeTableSpec(buf, spec);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CreateTableMessage decode(ByteBuf body) {
    TableSpec spec = SpecCodec.readTableSpec(body);
    return new CreateTableMessage(spec);
  }
}
