package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.TableSpec;
import java.util.Objects;

/**
 * Control request, client to scheduler: create a table. Answered by {@link RoutingMessage}
 * with the new routing table.
 * Immutable.
 */
public record CreateTableMessage(TableSpec spec) implements LaidOutMessage {

  static final BodyLayout<CreateTableMessage> LAYOUT = BodyLayout.of(MessageType.CREATE_TABLE,
      BodyLayout.tableSpec("spec", CreateTableMessage::spec),
      CreateTableMessage::new);

  public CreateTableMessage {
    Objects.requireNonNull(spec, "spec");
  }

  @Override
  public BodyLayout<CreateTableMessage> layout() {
    return LAYOUT;
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CreateTableMessage decode(ByteBuf body) {
    return LAYOUT.read(body);
  }
}
