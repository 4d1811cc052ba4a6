package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Large frames arriving in many reads are cumulated into one buffer sized for the frame, and
 * the bytes come out exactly as sent, whatever the chunking, with the next frame intact.
 */
class FrameCumulatorTest {

  private static final int MAX = 8 << 20;

  @Test
  void aLargeFrameInManyReadsIsCopiedIntoOneBufferSizedForIt() {
    FrameCumulator cumulator = new FrameCumulator(MAX);
    byte[] body = randomBytes(1 << 20, 1);
    ByteBuf stream = Unpooled.buffer();
    stream.writeIntLE(body.length).writeBytes(body).writeIntLE(3).writeBytes(new byte[] {1, 2, 3});
    // As the decoder does: the first read becomes the cumulation, later reads are cumulated.
    ByteBuf cumulation = PooledByteBufAllocator.DEFAULT.directBuffer(64 << 10).writeBytes(stream, 64 << 10);
    Set<ByteBuf> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
    try {
      while (stream.isReadable()) {
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(64 << 10);
        read.writeBytes(stream, Math.min(64 << 10, stream.readableBytes()));
        cumulation = cumulator.cumulate(PooledByteBufAllocator.DEFAULT, cumulation, read);
        buffers.add(cumulation);
      }
      // The default cumulator grows the buffer as reads arrive (about three copies of the frame).
      assertEquals(1, buffers.size(), "one buffer from the second read on");
      assertEquals(4 + body.length + FrameCumulator.SLACK, cumulation.capacity(), "sized for the frame and a read");
      assertEquals(4 + body.length + 4 + 3, cumulation.readableBytes());
      assertEquals(Unpooled.wrappedBuffer(body), cumulation.slice(4, body.length), "the frame's bytes");
      assertEquals(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), cumulation.slice(8 + body.length, 3),
          "the next frame's first bytes, in the room after it");
    } finally {
      stream.release();
      cumulation.release();
    }
  }

  @Test
  void smallFramesAndLengthsOverTheLimitCumulateTheDefaultWay() {
    FrameCumulator cumulator = new FrameCumulator(MAX);
    for (long length : new long[] {100, FrameCumulator.PRESIZE_ABOVE, MAX + 1L, 0xFFFF_FFFFL}) {
      ByteBuf cumulation = PooledByteBufAllocator.DEFAULT.directBuffer(16).writeIntLE((int) length);
      ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(1);
      ByteBuf after = cumulator.cumulate(PooledByteBufAllocator.DEFAULT, cumulation, read);
      try {
        assertEquals(12, after.readableBytes());
        assertTrue(after.capacity() < 1024, "no buffer sized by the length field " + length + ": " + after);
      } finally {
        after.release();
      }
    }
  }

  @Test
  void anyChunkingOfMixedFramesDecodesTheSameBytes() {
    Random random = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder(MAX));
      byte[][] bodies = new byte[6][];
      ByteBuf stream = Unpooled.buffer();
      for (int i = 0; i < bodies.length; i++) {
        int size = random.nextBoolean() ? random.nextInt(200) : FrameCumulator.PRESIZE_ABOVE + random.nextInt(300_000);
        bodies[i] = randomBytes(size, trial * 31 + i);
        stream.writeIntLE(size).writeBytes(bodies[i]);
      }
      try {
        while (stream.isReadable()) {
          int chunk = 1 + random.nextInt(random.nextBoolean() ? 16 : 100_000);
          dec.writeInbound(stream.readRetainedSlice(Math.min(chunk, stream.readableBytes())));
        }
      } finally {
        stream.release();
      }
      for (byte[] body : bodies) {
        ByteBuf frame = dec.readInbound();
        try {
          assertTrue(ByteBufUtil.equals(Unpooled.wrappedBuffer(body), frame), "trial " + trial);
        } finally {
          frame.release();
        }
      }
      assertNull(dec.readInbound());
      assertFalse(dec.finish());
    }
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
