package io.sparkps.core.protocol;

import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer allocator of every spark-ps channel and of the frames servers encode themselves: Netty's pooled allocator with chunks of at
 * least 8 MiB ({@code maxOrder} 10 with 8 KiB pages) instead of Netty's default 4 MiB. A dense
 * row of 1M floats travels in a frame of 4 MiB plus a header: just over the default chunk, so
 * every such frame (the encoder's buffer, the decoder's cumulation) was a fresh unpooled "huge"
 * allocation whose pages the kernel zeroed on first touch (docs/benchmarks.md, dense pull
 * profile). A larger {@code -Dio.netty.allocator.maxOrder} is kept. Costs at most one extra
 * 4 MiB per arena in use. One instance per JVM, shared like {@link PooledByteBufAllocator#DEFAULT}.
 */
public final class FrameAllocator {

  /** Smallest {@code maxOrder} used: 8 KiB pages x 2^10 = 8 MiB chunks. */
  static final int MIN_MAX_ORDER = 10;

  public static final PooledByteBufAllocator INSTANCE = new PooledByteBufAllocator(true,
      PooledByteBufAllocator.defaultNumHeapArena(), PooledByteBufAllocator.defaultNumDirectArena(),
      PooledByteBufAllocator.defaultPageSize(), Math.max(MIN_MAX_ORDER, PooledByteBufAllocator.defaultMaxOrder()),
      PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(),
      PooledByteBufAllocator.defaultUseCacheForAllThreads());

  private FrameAllocator() {}
}
