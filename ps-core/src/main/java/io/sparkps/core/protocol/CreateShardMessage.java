package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.TableSpec;
import java.util.Objects;

/**
 * Control request, scheduler to server: host shard {@code shard} of table {@code tableId},
 * covering dense keys [start, end) (ignored for sparse tables), starting empty or, when
 * {@code source} is not empty, loaded from that checkpoint shard file (a restore or a recovery).
 * Answered by {@link OkMessage}. Immutable.
 */
public record CreateShardMessage(
    int tableId, int shard, TableSpec spec, long start, long end, String source)
    implements Message {

  public CreateShardMessage {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(source, "source");
  }

  /** A shard that starts empty. */
  public CreateShardMessage(int tableId, int shard, TableSpec spec, long start, long end) {
    this(tableId, shard, spec, start, end, "");
  }

  /** Whether the shard is loaded from a checkpoint. */
  public boolean restores() {
    return !source.isEmpty();
  }

  @Override
  public MessageType type() {
    return MessageType.CREATE_SHARD;
  }

  @Override
  public int encodedLength() {
    return 24 + SpecCodec.tableSpecLength(spec) + Codec.stringLength(source);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeIntLE(tableId);
    buf.writeIntLE(shard);
    SpecCodec.writeTableSpec(buf, spec);
    buf.writeLongLE(start);
    buf.writeLongLE(end);
    Codec.writeString(buf, source);
  }

  /** Reads the body at the reader index; does not take ownership of {@code body}. */
  public static CreateShardMessage decode(ByteBuf body) {
    int tableId = body.readIntLE();
    int shard = body.readIntLE();
    TableSpec spec = SpecCodec.readTableSpec(body);
    long start = body.readLongLE();
    long end = body.readLongLE();
    String source = Codec.readString(body, "CREATE_SHARD source");
    return new CreateShardMessage(tableId, shard, spec, start, end, source);
  }
}
