package io.sparkps.core.storage;

import io.sparkps.core.config.InitializerSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Initializer values are a pure function of (seed, key, column) and have the right distribution. */
class InitializerTest {

  private static final int DRAWS = 100_000;

  @Test
  void zerosAndConstant() {
    float[] out = {9, 9, 9, 9};
    Initializer.of(InitializerSpec.zeros()).fill(5, out, 1, 2);
    assertArrayEquals(new float[] {9, 0, 0, 9}, out);
    Initializer.of(InitializerSpec.constant(0.25)).fill(5, out, 0, 3);
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 9}, out);
  }

  @Test
  void sameSeedKeyAndColumnAlwaysGiveTheSameValue() {
    for (InitializerSpec spec : new InitializerSpec[] {
        InitializerSpec.uniform(-2, 3, 77), InitializerSpec.normal(1, 2, 77)}) {
      long[] keys = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 12345};
      for (long key : keys) {
        float[] wide = new float[16];
        Initializer.of(spec).fill(key, wide, 0, 16);
        float[] again = new float[20];
        Initializer.of(spec).fill(key, again, 4, 16);  // another instance, another offset
        assertArrayEquals(wide, slice(again, 4, 16), spec + " key=" + key);
        float[] narrow = new float[5];
        Initializer.of(spec).fill(key, narrow, 0, 5);  // a column does not depend on the width
        assertArrayEquals(slice(wide, 0, 5), narrow, spec + " key=" + key);
      }
    }
  }

  @Test
  void seedsKeysAndColumnsGiveDifferentValues() {
    float[] a = new float[4];
    float[] b = new float[4];
    float[] c = new float[4];
    Initializer.of(InitializerSpec.uniform(0, 1, 1)).fill(10, a, 0, 4);
    Initializer.of(InitializerSpec.uniform(0, 1, 2)).fill(10, b, 0, 4);
    Initializer.of(InitializerSpec.uniform(0, 1, 1)).fill(11, c, 0, 4);
    for (int i = 0; i < 4; i++) {
      assertNotEquals(a[i], b[i]);
      assertNotEquals(a[i], c[i]);
    }
    assertNotEquals(a[0], a[1]);
  }

  @Test
  void uniformStaysInBoundsAndIsFlat() {
    double low = -0.5;
    double high = 1.5;
    Initializer init = Initializer.of(InitializerSpec.uniform(low, high, 3));
    float[] out = new float[4];
    int[] buckets = new int[10];
    double sum = 0;
    int n = 0;
    for (long key = 0; key < DRAWS / 4; key++) {
      init.fill(key, out, 0, 4);
      for (float v : out) {
        assertTrue(v >= low && v < high, "v=" + v);
        buckets[(int) ((v - low) / (high - low) * 10)]++;
        sum += v;
        n++;
      }
    }
    assertEquals(0.5, sum / n, 0.01);
    for (int count : buckets) {
      assertEquals(n / 10.0, count, n / 10.0 * 0.05, "bucket counts");
    }
  }

  @Test
  void uniformNeverRoundsUpToHigh() {
    // A range this narrow makes rounding to float land on the upper bound for many draws.
    float high = 1f;
    Initializer init = Initializer.of(InitializerSpec.uniform(Math.nextDown(high), high, 4));
    float[] out = new float[64];
    for (long key = 0; key < 100; key++) {
      init.fill(key, out, 0, out.length);
      for (float v : out) {
        assertTrue(v < high, "v=" + v);
      }
    }
  }

  @Test
  void normalHasTheRequestedMeanAndStddev() {
    double mean = 2.0;
    double stddev = 0.5;
    Initializer init = Initializer.of(InitializerSpec.normal(mean, stddev, 99));
    float[] out = new float[2];
    double sum = 0;
    double sumSq = 0;
    double cross = 0;
    int n = DRAWS / 2;
    for (long key = 0; key < n; key++) {
      init.fill(key, out, 0, 2);
      sum += out[0] + out[1];
      sumSq += (double) out[0] * out[0] + (double) out[1] * out[1];
      cross += (out[0] - mean) * (out[1] - mean);
    }
    double m = sum / (2 * n);
    double sd = Math.sqrt(sumSq / (2 * n) - m * m);
    assertEquals(mean, m, 0.02 * stddev, "mean");
    assertEquals(stddev, sd, 0.02 * stddev, "stddev");
    assertEquals(0, cross / n / (stddev * stddev), 0.03, "columns should be uncorrelated");
  }

  private static float[] slice(float[] src, int off, int len) {
    float[] out = new float[len];
    System.arraycopy(src, off, out, 0, len);
    return out;
  }
}
