package io.sparkps.core.server;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;

/**
 * The heap bytes this server's HEAP shards take together, against {@code PsConfig.maxShardBytes}:
 * a shard reserves its bytes before its store allocates them and returns them when dropped, so a
 * shard that cannot fit is refused with RESOURCE_EXHAUSTED instead of an OutOfMemoryError.
 * Thread-safe.
 */
final class ShardMemory {

  private final long limit;
  private final RejectionLog rejections;
  private long held;

  ShardMemory(long limit, RejectionLog rejections) {
    this.limit = limit;
    this.rejections = rejections;
  }

  /** Reserves {@code bytes} for {@code shard} or throws RESOURCE_EXHAUSTED saying what to do. */
  synchronized void reserve(long bytes, int serverId, String shard) {
    if (bytes <= limit - held) {
      held += bytes;
      return;
    }
    rejections.log("shard-too-large", "server {} refuses {}: it needs {} bytes of heap, {} of maxShardBytes={} are "
        + "free", serverId, shard, bytes, limit - held, limit);
    throw new PsRemoteException(ErrorCode.RESOURCE_EXHAUSTED, "server " + serverId + " cannot hold " + shard
        + ": it needs " + (bytes == Long.MAX_VALUE ? "more than 2^63" : bytes) + " bytes of heap (rows x (dim + "
        + "optimizer state) floats, plus a version per row), and its heap shards may take " + limit + " bytes "
        + "(maxShardBytes, " + held + " in use). Spread the table over more servers or partitions, use "
        + "OFFHEAP storage, or give the executors more memory (or raise spark.ps.maxShardBytes)");
  }

  synchronized void release(long bytes) {
    held -= bytes;
  }

  synchronized long held() {
    return held;
  }

  long limit() {
    return limit;
  }
}
