package io.sparkps.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

  private static final SyntheticData DATA = SyntheticData.of(5_000, 1L << 20);

  @Test
  void mix64IsTheSplitMix64Finalizer() {
    // First output of SplitMix64 seeded with 0 (the published reference value).
    assertEquals(0xE220A8397B1DCDAFL, SyntheticData.mix64(SyntheticData.GOLD));
    assertEquals(0L, SyntheticData.mix64(0));
    assertEquals(0.0, SyntheticData.u(0));
    assertEquals(1.0 - 0x1.0p-53, SyntheticData.u(-1L));
  }

  @Test
  void rowsAreDeterministicRegardlessOfCallOrder() {
    List<SyntheticData.Row> forward = new ArrayList<>();
    for (long r = 0; r < 500; r++) {
      forward.add(DATA.row(r));
    }
    SyntheticData same = SyntheticData.of(5_000, 1L << 20, 30, 42);
    for (long r = 499; r >= 0; r--) {
      assertEquals(forward.get((int) r), same.row(r), "row " + r);
    }
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      long r = random.nextInt(500);
      assertEquals(forward.get((int) r), DATA.row(r));
    }
    // Rows do not depend on N either: a prefix of a bigger data set is the same data.
    assertEquals(forward.get(123), SyntheticData.of(1_000_000, 1L << 20).row(123));
  }

  @Test
  void differentSeedsGiveDifferentRows() {
    SyntheticData other = SyntheticData.of(5_000, 1L << 20, 30, 43);
    int same = 0;
    for (long r = 0; r < 100; r++) {
      if (Arrays.equals(DATA.row(r).features(), other.row(r).features())) {
        same++;
      }
    }
    assertEquals(0, same);
    double w = 0;
    double wOther = 0;
    for (long k = 1; k <= 1_000; k++) {
      w += DATA.trueWeight(k) * k;
      wOther += other.trueWeight(k) * k;
    }
    assertNotEquals(w, wOther);
  }

  @Test
  void everyRowHasKDistinctSortedIndicesInRange() {
    for (SyntheticData data : List.of(DATA, SyntheticData.of(2_000, 1000, 7, 3), SyntheticData.of(500, 40, 30, 1),
        SyntheticData.of(500, 3_000_000_019L, 30, 5))) {
      data.rows().forEach(row -> {
        long[] f = row.features();
        assertEquals(data.k(), f.length, () -> data + " row " + row.index());
        for (int i = 0; i < f.length; i++) {
          assertTrue(f[i] >= 0 && f[i] < data.d(), () -> data + " row " + row.index());
          assertTrue(i == 0 || f[i - 1] < f[i], () -> data + " row " + row.index() + " not sorted/distinct");
        }
        assertTrue(row.label() == 0.0 || row.label() == 1.0);
        assertEquals(row.index() % 10 == 9, row.heldOut());
      });
    }
  }

  /** A literal, unoptimized transcription of BENCHMARKS.md; the generator must agree with it bit for bit. */
  @Test
  void matchesALiteralTranscriptionOfTheSpec() {
    for (SyntheticData data : List.of(DATA, SyntheticData.of(300, 1L << 27), SyntheticData.of(300, 999_983, 12, -7),
        SyntheticData.of(300, (1L << 40) + 15, 30, 99))) {
      for (long r = 0; r < 300; r++) {
        SyntheticData.Row row = data.row(r);
        Object[] expected = literalRow(data, r);
        assertArrayEquals((long[]) expected[0], row.features(), data + " row " + r);
        assertEquals((double) expected[1], row.label(), data + " row " + r);
        assertEquals((double) expected[2], data.trueMargin(r), data + " row " + r);
        assertEquals((double) expected[2], data.trueMargin(row), data + " row " + r);
      }
    }
  }

  private static Object[] literalRow(SyntheticData data, long r) {
    long d = data.d();
    double s = data.zipfS();
    long st = SyntheticData.mix64(data.seed() ^ (r * 0xD1342543DE82EF95L + 0x632BE59BD9B4E019L));
    List<Long> indices = new ArrayList<>();
    List<Long> ranks = new ArrayList<>();
    while (indices.size() < data.k()) {
      st += SyntheticData.GOLD;
      double u = SyntheticData.u(SyntheticData.mix64(st));
      double x = Math.floor(StrictMath.pow(1 + u * (StrictMath.pow(d + 1.0, 1 - s) - 1), 1 / (1 - s)));
      long k = (long) Math.max(1, Math.min(d, x));
      long j = BigInteger.valueOf(k - 1).multiply(BigInteger.valueOf(0x9E3779B1L))
          .mod(BigInteger.valueOf(d)).longValueExact();
      if (!indices.contains(j)) {
        indices.add(j);
        ranks.add(k);
      }
    }
    long[] sorted = indices.stream().mapToLong(Long::longValue).sorted().toArray();
    double margin = data.bias();
    for (long j : sorted) {
      long k = ranks.get(indices.indexOf(j));
      long h = SyntheticData.mix64(data.seed() * 31 + 0x5DEECE66DL + k * SyntheticData.GOLD);
      if (SyntheticData.u(h) < data.rho()) {
        double u1 = ((SyntheticData.mix64(h + 1) >>> 11) + 1) * 0x1.0p-53;
        double u2 = SyntheticData.u(SyntheticData.mix64(h + 2));
        margin += StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
      }
    }
    double p = 1 / (1 + StrictMath.exp(-margin));
    st += SyntheticData.GOLD;
    double y = SyntheticData.u(SyntheticData.mix64(st)) < p ? 1 : 0;
    return new Object[] {sorted, y, margin};
  }

  @Test
  void rankAndIndexAreInverse() {
    for (SyntheticData data : List.of(DATA, SyntheticData.of(10, 1000), SyntheticData.of(10, (1L << 45) + 3))) {
      Random random = new Random(1);
      for (int i = 0; i < 2_000; i++) {
        long rank = 1 + Math.floorMod(random.nextLong(), data.d());
        long j = data.indexOf(rank);
        assertTrue(j >= 0 && j < data.d());
        assertEquals(rank, data.rankOf(j));
        assertEquals(data.trueWeight(rank), data.trueFeatureWeight(j));
      }
      assertEquals(0, data.indexOf(1));
    }
  }

  @Test
  void mulModIsExact() {
    Random random = new Random(3);
    for (int i = 0; i < 5_000; i++) {
      long m = 1 + (random.nextLong() >>> 11); // up to 2^53
      long a = Math.floorMod(random.nextLong(), m);
      long b = Math.floorMod(random.nextLong(), m);
      long expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(BigInteger.valueOf(m)).longValue();
      assertEquals(expected, SyntheticData.mulMod(a, b, m), a + " * " + b + " mod " + m);
    }
  }

  @Test
  void ranksFollowThePowerLawInverseCdf() {
    assertEquals(1, DATA.rank(0.0));
    assertEquals(DATA.d(), DATA.rank(1.0 - 0x1.0p-53));
    // CDF of the truncated power law on [1, D + 1): F(x) = (x^(1-s) - 1) / ((D + 1)^(1-s) - 1), and
    // rank <= m iff the draw is below F(m + 1). Check on a uniform grid of draws.
    double top = Math.pow((1L << 20) + 1, -0.1) - 1;
    for (long m : new long[] {1, 10, 1000, 100_000}) {
      double cdf = (Math.pow(m + 1, -0.1) - 1) / top;
      int below = 0;
      for (int i = 0; i < 100_000; i++) {
        if (DATA.rank((i + 0.5) / 100_000) <= m) {
          below++;
        }
      }
      assertEquals(cdf, below / 100_000.0, 2e-5, "P(rank <= " + m + ")");
    }
    long[] ranks = new long[DATA.k()];
    long ones = 0;
    long draws = 0;
    for (long r = 0; r < 2_000; r++) {
      DATA.ranks(r, ranks);
      assertArrayEquals(Arrays.stream(DATA.row(r).features()).map(DATA::rankOf).toArray(), ranks);
      for (long k : ranks) {
        draws++;
        if (k == 1) {
          ones++;
        }
      }
    }
    // Rank 1 (P = 0.089 a draw) appears at most once a row, and in most rows: 1 - (1 - 0.089)^~31 = 0.94.
    assertTrue(ones > 1_750 && ones <= 2_000, "rows containing rank 1: " + ones + " of 2000");
    assertEquals(2_000L * 30, draws);
  }

  @Test
  void trueWeightsAreSparseStandardNormals() {
    int nonZero = 0;
    double sum = 0;
    double sumSq = 0;
    for (long k = 1; k <= 200_000; k++) {
      double w = DATA.trueWeight(k);
      if (w != 0) {
        nonZero++;
        sum += w;
        sumSq += w * w;
      }
    }
    double fraction = nonZero / 200_000.0;
    double mean = sum / nonZero;
    double variance = sumSq / nonZero - mean * mean;
    assertTrue(Math.abs(fraction - 0.1) < 0.005, "fraction " + fraction);
    assertTrue(Math.abs(mean) < 0.03, "mean " + mean);
    assertTrue(Math.abs(variance - 1) < 0.05, "variance " + variance);
    assertEquals(SyntheticData.sigmoid(DATA.trueMargin(17)), DATA.trueProbability(17));
    assertEquals(DATA.trueProbability(17), DATA.trueProbability(DATA.row(17)));
  }

  @Test
  void partsCoverAllRowsContiguously() {
    SyntheticData data = SyntheticData.of(103, 64);
    assertEquals(0, data.partStart(7, 0));
    assertEquals(103, data.partStart(7, 7));
    for (int p = 0; p < 7; p++) {
      long size = data.partStart(7, p + 1) - data.partStart(7, p);
      assertTrue(size == 14 || size == 15, "part " + p + " size " + size);
    }
    assertEquals(10, data.heldOutRows());
    assertEquals(93, data.trainingRows());
    assertEquals(data.heldOutRows(), data.rows().filter(SyntheticData.Row::heldOut).count());
  }

  @Test
  void badConfigurationIsRejectedWithNameAndRange() {
    assertMessage("rows: n=0 (allowed [1, 2^62])", () -> SyntheticData.of(0, 100));
    assertMessage("features: d=0 (allowed [1, 2^53])", () -> SyntheticData.of(10, 0));
    assertMessage("features: d=2654435761 (must not be a multiple of 2654435761)",
        () -> SyntheticData.of(10, 2654435761L));
    assertMessage("features per row: k=30 (allowed [1, d=20])", () -> SyntheticData.of(10, 20));
    assertMessage("features per row: k=0 (allowed [1, 1024])", () -> SyntheticData.of(10, 20, 0, 1));
    assertMessage("zipf exponent: s=1.0 (allowed (1, 10])",
        () -> SyntheticData.builder().n(1).d(100).zipfS(1.0).build());
    assertMessage("informative fraction: rho=1.5 (allowed [0, 1])",
        () -> SyntheticData.builder().n(1).d(100).rho(1.5).build());
    assertMessage("bias: b=NaN (allowed finite)", () -> SyntheticData.builder().bias(Double.NaN));
    assertEquals("features: d=unset (required, [k, 2^53])",
        assertThrows(IllegalStateException.class, () -> SyntheticData.builder().n(5).build()).getMessage());
    assertEquals("rows: n was already set to 5",
        assertThrows(IllegalStateException.class, () -> SyntheticData.builder().n(5).n(6)).getMessage());
    assertMessage("row index: r=5000 (allowed [0, 5000))", () -> DATA.row(5_000));
    assertMessage("rank: rank=0 (allowed [1, 1048576])", () -> DATA.trueWeight(0));
    assertMessage("feature index: featureIndex=-1 (allowed [0, 1048576))", () -> DATA.rankOf(-1));
  }

  @Test
  void isSerializableAndComparable() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(DATA);
    }
    SyntheticData copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (SyntheticData) in.readObject();
    }
    assertEquals(DATA, copy);
    assertEquals(DATA.hashCode(), copy.hashCode());
    assertEquals(DATA.row(4_321), copy.row(4_321));
    assertNotEquals(DATA, SyntheticData.builder().n(5_000).d(1L << 20).rho(0.2).build());
    assertEquals(DATA, SyntheticData.builder().n(5_000).d(1L << 20).seed(42).build());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
