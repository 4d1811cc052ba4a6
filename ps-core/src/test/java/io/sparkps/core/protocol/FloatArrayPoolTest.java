package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * Large arrays given back are handed out again for the same length only, small and huge ones
 * never; a push decoded into a reused array holds exactly the frame's values.
 */
class FloatArrayPoolTest {

  @org.junit.jupiter.api.BeforeEach
  void emptyPool() {
    FloatArrayPool.clear();
  }

  @Test
  void aGivenBackArrayIsReusedForTheSameLengthOnly() {
    int n = FloatArrayPool.MIN_FLOATS + 17;
    float[] a = new float[n];
    FloatArrayPool.give(a);
    assertNotSame(a, FloatArrayPool.take(n + 1), "another length: a new array");
    assertSame(a, FloatArrayPool.take(n));
    assertNotSame(a, FloatArrayPool.take(n), "taken once");
  }

  @Test
  void smallAndHugeArraysAreNotKept() {
    float[] small = new float[FloatArrayPool.MIN_FLOATS - 1];
    float[] huge = new float[FloatArrayPool.MAX_FLOATS + 1];
    FloatArrayPool.give(small);
    FloatArrayPool.give(huge);
    assertNotSame(small, FloatArrayPool.take(small.length));
    assertNotSame(huge, FloatArrayPool.take(huge.length));
  }

  @Test
  void aPushDecodedIntoAReusedArrayHoldsTheFramesValues() {
    int n = FloatArrayPool.MIN_FLOATS + 3;
    float[] dirty = new float[n];
    java.util.Arrays.fill(dirty, 42f);
    FloatArrayPool.give(dirty);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = i * 0.5f;
    }
    PushMessage push = new PushMessage(1, 0, PushMode.UPDATE, PushId.NONE, new long[] {0}, values, false);
    ByteBuf body = Unpooled.buffer(push.encodedLength());
    try {
      push.encode(body);
      PushMessage decoded = PushMessage.decode(body);
      assertSame(dirty, decoded.values(), "the pooled array");
      assertArrayEquals(values, decoded.values());
      assertEquals(push, decoded);
    } finally {
      body.release();
    }
  }
}
