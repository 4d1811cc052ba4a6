package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.storage.DenseShardStore;
import io.sparkps.core.storage.Initializer;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.SparseShardStore;
import io.sparkps.core.testing.TransportTesting;
import io.sparkps.core.update.SumUpdater;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.core.update.Updaters;
import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A VALUES frame written from a store straight into the outgoing buffer is byte for byte the frame
 * the encoder makes of a {@link ValuesMessage} with the same values, and is released on every path.
 */
class EncodedFrameTest {

  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  @Test
  void aFrameFilledWithValuesIsTheSameBytesAsTheEncodedValuesMessage() {
    Random rnd = new Random(3);
    for (int n : new int[] {0, 1, 7, 4096}) {
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = i % 97 == 5 ? Float.NaN : (float) rnd.nextGaussian();
      }
      EncodedFrame frame = EncodedFrame.values(ALLOC, n);
      FloatBuffer view = frame.floats();
      view.put(values);
      frame.complete(view);
      assertEquals(new ValuesMessage(values).encodedLength(), frame.encodedLength());
      long requestId = 0x0102030405060708L + n;
      byte[] expected = TransportTesting.frameBytes(new Envelope(requestId, new ValuesMessage(values)));
      assertArrayEquals(expected, written(new Envelope(requestId, frame)), "n=" + n);
      assertEquals(new ValuesMessage(values),
          TransportTesting.decode(Arrays.copyOfRange(expected, 4, expected.length)).message());
    }
  }

  @Test
  void storesWriteTheSameBytesIntoAFrameAsTheirArrayPullGives() {
    Initializer init = Initializer.of(InitializerSpec.uniform(-1, 1, 9));
    SparseShardStore sparse = new SparseShardStore(3, Updaters.create(UpdaterSpec.adagrad(0.1)), init);
    DenseShardStore dense = new DenseShardStore(100, 200, 3, Updaters.create(UpdaterSpec.adagrad(0.1)), init);
    DenseShardStore denseSum = new DenseShardStore(0, 1000, 2, SumUpdater.INSTANCE, init);
    Random rnd = new Random(11);
    long[] keys = new long[700];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 100 + rnd.nextInt(100);  // repeats; half of them pushed below, half absent (sparse)
    }
    float[] deltas = new float[350 * 3];
    for (int i = 0; i < deltas.length; i++) {
      deltas[i] = (float) rnd.nextGaussian();
    }
    sparse.push(keys, 0, 350, deltas, 0);
    dense.push(keys, 0, 350, deltas, 0);
    assertSamePull(sparse, keys);
    assertSamePull(dense, keys);
    long[] sumKeys = {0, 999, 5, 5};
    denseSum.push(sumKeys, 0, 4, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 0);
    assertSamePull(denseSum, sumKeys);
    assertSamePullRange(dense, 120, 190);
    assertSamePullRange(denseSum, 0, 1000);
    assertSamePullRange(denseSum, 3, 4);
    sparse.close();
    dense.close();
    denseSum.close();
  }

  @Test
  void anUnfilledFrameIsRefusedAndItsBufferReleased() {
    EncodedFrame frame = EncodedFrame.values(ALLOC, 4);
    FloatBuffer view = frame.floats();
    view.put(1f);
    assertThrows(IllegalStateException.class, () -> frame.complete(view));
    EmbeddedChannel ch = new EmbeddedChannel(MessageEncoder.INSTANCE);
    ChannelFuture f = ch.writeOneOutbound(new Envelope(1, frame));
    ch.flushOutbound();
    assertInstanceOf(IllegalStateException.class, f.cause());
    assertEquals(0, frame.refCnt(), "the encoder released the frame it could not send");
    assertFalse(ch.finish());
  }

  @Test
  void aStoreRefusesToOverflowAFrameBeforeWritingAnything() {
    DenseShardStore dense = new DenseShardStore(0, 10, 2, SumUpdater.INSTANCE,
        Initializer.of(InitializerSpec.zeros()));
    EncodedFrame frame = EncodedFrame.values(ALLOC, 3);
    try {
      FloatBuffer view = frame.floats();
      assertThrows(BufferOverflowException.class, () -> dense.pull(new long[] {1, 2}, 0, 2, view));
      assertEquals(0, view.position());
      assertThrows(BufferOverflowException.class, () -> dense.pullRange(0, 2, view));
      assertEquals(0, view.position());
    } finally {
      frame.release();
      dense.close();
    }
  }

  private static void assertSamePull(ShardStore store, long[] keys) {
    float[] out = new float[keys.length * store.dim()];
    store.pull(keys, 0, keys.length, out, 0);
    EncodedFrame frame = EncodedFrame.values(ALLOC, out.length);
    FloatBuffer view = frame.floats();
    store.pull(keys, 0, keys.length, view);
    frame.complete(view);
    assertArrayEquals(TransportTesting.frameBytes(new Envelope(5, new ValuesMessage(out))),
        written(new Envelope(5, frame)), store.toString());
  }

  private static void assertSamePullRange(ShardStore store, long from, long to) {
    float[] out = new float[(int) (to - from) * store.dim()];
    store.pullRange(from, to, out, 0);
    EncodedFrame frame = EncodedFrame.values(ALLOC, out.length);
    FloatBuffer view = frame.floats();
    store.pullRange(from, to, view);
    frame.complete(view);
    assertArrayEquals(TransportTesting.frameBytes(new Envelope(6, new ValuesMessage(out))),
        written(new Envelope(6, frame)), store + " [" + from + ", " + to + ")");
  }

  /** What the encoder writes for {@code envelope}, as bytes; every buffer released. */
  private static byte[] written(Envelope envelope) {
    EmbeddedChannel ch = new EmbeddedChannel(MessageEncoder.INSTANCE);
    ch.writeOutbound(envelope);
    ByteBuf out = ch.readOutbound();
    try {
      byte[] b = new byte[out.readableBytes()];
      out.readBytes(b);
      return b;
    } finally {
      out.release();
      ch.finishAndReleaseAll();
    }
  }
}
