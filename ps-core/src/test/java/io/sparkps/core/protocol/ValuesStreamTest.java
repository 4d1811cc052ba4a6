package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Large VALUES replies that the channel's {@link DirectReplies} claims are copied into their
 * targets read by read, whatever the chunking (floats split across reads included), with the
 * frames around them decoded as before; replies nobody claims, or of another size, take the
 * ordinary path; a reply cut off by the channel closing fails its claim.
 */
class ValuesStreamTest {

  private static final int MAX = 8 << 20;

  /** Claims the requests registered in {@link #targets}; records what settled. */
  private static final class Hook implements DirectReplies {
    final Map<Long, ValuesTarget> targets = new HashMap<>();
    final List<Long> done = new ArrayList<>();
    final List<Throwable> failed = new ArrayList<>();

    @Override
    public boolean values(long requestId, ByteBuf body) {
      return false;  // small replies: the ordinary decoding, so they show up in the output
    }

    @Override
    public ValuesStream.Claim claim(long requestId, int floats) {
      ValuesTarget target = targets.get(requestId);
      if (target == null || target.expectedFloats() != floats) {
        return null;
      }
      targets.remove(requestId);
      return new ValuesStream.Claim() {
        @Override
        public ValuesTarget target() {
          return target;
        }

        @Override
        public void done() {
          done.add(requestId);
        }

        @Override
        public void failed(Throwable cause) {
          failed.add(cause);
        }
      };
    }
  }

  private static EmbeddedChannel channel(Hook hook) {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX), MessageDecoder.INSTANCE);
    ch.attr(MessageDecoder.DIRECT_REPLIES).set(hook);
    return ch;
  }

  private static float[] floats(int n, long seed) {
    Random r = new Random(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextFloat();
    }
    return f;
  }

  private static ByteBuf frame(long requestId, Message m) {
    return MessageEncoder.encode(UnpooledByteBufAllocator.DEFAULT, new Envelope(requestId, m));
  }

  /** Appends the frame of {@code m} to {@code stream}. */
  private static void append(ByteBuf stream, long requestId, Message m) {
    ByteBuf f = frame(requestId, m);
    stream.writeBytes(f);
    f.release();
  }

  /** Writes {@code stream} into the channel in reads of random sizes (odd ones, so floats split). */
  private static void writeChunked(EmbeddedChannel ch, ByteBuf stream, Random random) {
    while (stream.isReadable()) {
      int n = Math.min(stream.readableBytes(), 1 + random.nextInt(90_000));
      ch.writeInbound(stream.readRetainedSlice(n));
    }
    stream.release();
  }

  @Test
  void aClaimedReplyIsCopiedIntoItsTargetWhateverTheChunking() {
    Random random = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      Hook hook = new Hook();
      EmbeddedChannel ch = channel(hook);
      float[] big = floats(100_000, trial);
      float[] out = new float[big.length + 8];
      hook.targets.put(5L, ValuesTarget.contiguous(out, 8, big.length, 1));
      ByteBuf stream = Unpooled.buffer();
      append(stream, 1, new ValuesMessage(new float[] {1, 2}));
      append(stream, 5, new ValuesMessage(big));
      append(stream, 2, new ValuesMessage(new float[] {3}));
      writeChunked(ch, stream, random);
      assertEquals(List.of(5L), hook.done);
      float[] expected = new float[out.length];
      System.arraycopy(big, 0, expected, 8, big.length);
      assertArrayEquals(expected, out);
      Envelope first = ch.readInbound();
      Envelope last = ch.readInbound();
      assertEquals(1, first.requestId(), "the frame before is decoded as before");
      assertEquals(2, last.requestId(), "the frame after is decoded as before");
      assertNull(ch.readInbound(), "nothing emitted for the streamed reply");
      assertFalse(ch.finish());
    }
  }

  @Test
  void scatteredRowsLandAtTheirPositions() {
    Hook hook = new Hook();
    EmbeddedChannel ch = channel(hook);
    int dim = 16;
    int rows = 5_000;
    float[] reply = floats(rows * dim, 9);
    int[] positions = new int[rows];
    for (int i = 0; i < rows; i++) {
      positions[i] = rows - 1 - i;  // reversed
    }
    float[] out = new float[rows * dim];
    hook.targets.put(7L, ValuesTarget.scattered(out, 0, positions, dim));
    writeChunked(ch, frame(7, new ValuesMessage(reply)), new Random(1));
    assertEquals(List.of(7L), hook.done);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        assertEquals(reply[i * dim + j], out[positions[i] * dim + j], "row " + i + " col " + j);
      }
    }
    assertFalse(ch.finish());
  }

  @Test
  void unclaimedAndWrongSizeRepliesTakeTheOrdinaryPath() {
    Hook hook = new Hook();
    EmbeddedChannel ch = channel(hook);
    float[] big = floats(50_000, 2);
    float[] out = new float[big.length + 1];
    hook.targets.put(9L, ValuesTarget.contiguous(out, 0, big.length + 1, 1));  // expects one float more
    ByteBuf stream = Unpooled.buffer();
    append(stream, 9, new ValuesMessage(big));
    append(stream, 10, new ValuesMessage(big));  // no target registered
    writeChunked(ch, stream, new Random(4));
    assertTrue(hook.done.isEmpty());
    assertArrayEquals(new float[out.length], out, "nothing written for a reply of another size");
    Envelope wrongSize = ch.readInbound();
    Envelope unknown = ch.readInbound();
    assertEquals(9, wrongSize.requestId());
    assertArrayEquals(big, ((ValuesMessage) wrongSize.message()).values());
    assertEquals(10, unknown.requestId());
    assertNotNull(hook.targets.get(9L), "not claimed");
    assertFalse(ch.finish());
  }

  @Test
  void aReplyCutOffByTheChannelClosingFailsItsClaim() {
    Hook hook = new Hook();
    EmbeddedChannel ch = channel(hook);
    float[] big = floats(100_000, 5);
    hook.targets.put(3L, ValuesTarget.contiguous(new float[big.length], 0, big.length, 1));
    ByteBuf whole = frame(3, new ValuesMessage(big));
    ch.writeInbound(whole.readRetainedSlice(200_001));
    whole.release();
    assertTrue(hook.done.isEmpty());
    ch.close();
    assertEquals(1, hook.failed.size());
    assertInstanceOf(ClosedChannelException.class, hook.failed.get(0));
    assertFalse(ch.finish());
  }

  @Test
  void afterAFrameOverTheLimitRepliesTakeTheOrdinaryPath() {
    Hook hook = new Hook();
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20), MessageDecoder.INSTANCE);
    ch.attr(MessageDecoder.DIRECT_REPLIES).set(hook);
    float[] big = floats(100_000, 6);
    hook.targets.put(4L, ValuesTarget.contiguous(new float[big.length], 0, big.length, 1));
    ByteBuf tooLarge = Unpooled.buffer();
    tooLarge.writeIntLE((1 << 20) + 1).writeZero(100);  // the rest of its body arrives later
    assertThrows(FrameTooLargeException.class, () -> ch.writeInbound(tooLarge));
    ByteBuf rest = Unpooled.buffer();
    rest.writeZero((1 << 20) + 1 - 100);
    append(rest, 4, new ValuesMessage(big));
    writeChunked(ch, rest, new Random(8));
    assertTrue(hook.done.isEmpty(), "not streamed");
    Envelope reply = ch.readInbound();
    assertEquals(4, reply.requestId());
    assertArrayEquals(big, ((ValuesMessage) reply.message()).values());
    assertFalse(ch.finish());
  }
}
