package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.TableSpec;
import java.util.Objects;

/**
 * Control request, scheduler to server: host shard {@code shard} of table {@code tableId},
 * covering dense keys [start, end) (ignored for sparse tables). Answered by {@link OkMessage}.
 * Immutable.
 */
public record CreateShardMessage(
    int tableId, int shard, TableSpec spec, long start, long end)
    implements Message {

  public CreateShardMessage {
    Objects.requireNonNull(spec, "spec");
  }

  @Override
  public MessageType type() {
    return MessageType.CREATE_SHARD;
  }

  @Override
  public int encodedLength() {
    return 24 + Codec.tableSpecLength(spec);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    Codec.writeTableSpec(buf, spec);
    buf.writeLongLE(start);
    buf.writeLongLE(end);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CreateShardMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    TableSpec spec = Codec.readTableSpec(body);
    long start = body.readLongLE();
    long end = body.readLongLE();
    return new CreateShardMessage(tableId, shard, spec, start, end);
  }
}
