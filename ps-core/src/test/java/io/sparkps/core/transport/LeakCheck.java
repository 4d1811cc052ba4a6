package io.sparkps.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Makes Netty's paranoid leak detector report now rather than at some later GC: collect, then
 * allocate tracked buffers (the detector reports collected-but-unreleased buffers on the next
 * allocation). Leaks appear as "LEAK:" lines in the test output.
 */
final class LeakCheck {

  private LeakCheck() {}

  static void collectAndReport() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      for (int i = 0; i < 16; i++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
        a.release();
        b.release();
      }
    }
  }
}
