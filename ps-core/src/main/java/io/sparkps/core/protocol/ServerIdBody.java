package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A message whose whole body is a server id, {@code [int32 serverId]}: the REGISTERED response
 * (the id the scheduler assigned) and the HEARTBEAT a server then sends with it. The layout lives
 * here once. Implementations are immutable records.
 */
public interface ServerIdBody extends Message {

  int serverId();

  @Override
  default int encodedLength() {
    return 4;
  }

  @Override
  default void encode(ByteBuf buf) {
    buf.writeIntLE(serverId());
  }
}
