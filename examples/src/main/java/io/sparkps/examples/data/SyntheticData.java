package io.sparkps.examples.data;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The shared synthetic sparse binary-classification data set of {@code BENCHMARKS.md}: row {@code r} is a
 * pure function of {@code (config, r)}, so any Spark partition (or thread, or process) generates its rows
 * on its own and every system sees the same data.
 *
 * <p>Definition, with {@code mix64} the SplitMix64 finalizer, {@code GOLD = 0x9E3779B97F4A7C15} and
 * {@code u(h) = (h >>> 11) * 2^-53}:
 *
 * <ul>
 *   <li>Row state {@code st = mix64(seed ^ (r * 0xD1342543DE82EF95 + 0x632BE59BD9B4E019))}. Each draw does
 *       {@code st += GOLD; u = u(mix64(st))} and takes the rank {@code k = clamp(floor((1 + u * ((D + 1)^(1 - s)
 *       - 1))^(1 / (1 - s))), 1, D)}, the inverse CDF of a power law on {@code [1, D + 1)}, all in doubles.
 *   <li>Feature index {@code j = ((k - 1) * 0x9E3779B1) mod D} where the product is the exact integer
 *       product: it is computed in a {@code long} when it fits (always when {@code D <= 2^31}, in particular
 *       at {@code D = 2^27}, since {@code k - 1 < 2^31} and {@code 0x9E3779B1 < 2^32}) and in 128-bit
 *       arithmetic otherwise. The remainder is then non-negative, so it equals {@code Math.floorMod}.
 *   <li>Draws whose index is already in the row are skipped until the row has exactly {@code K} distinct
 *       indices, which are then sorted. Every feature value is 1.0.
 *   <li>True weight of rank {@code k}: {@code h = mix64(seed * 31 + 0x5DEECE66D + k * GOLD)}; non-zero iff
 *       {@code u(h) < rho}, then {@code sqrt(-2 ln u1) * cos(2 pi u2)} (Box-Muller, cosine branch) with
 *       {@code u1 = ((mix64(h + 1) >>> 11) + 1) * 2^-53} and {@code u2 = u(mix64(h + 2))}.
 *   <li>Label: {@code p = sigmoid(b + sum of the row's true weights)}, the sum starting from {@code b} and
 *       adding the weights in ascending feature-index order (so {@link #trueMargin(long)}, {@link
 *       #trueMargin(Row)} and the label agree to the last bit); {@code st += GOLD} (after the last feature
 *       draw, skipped duplicates included); {@code y = 1} iff {@code u(mix64(st)) < p}.
 *   <li>Row {@code r} is held out iff {@code r mod 10 == 9}.
 * </ul>
 *
 * <p>All {@code long} arithmetic wraps (two's complement), as in the spec. Floating-point functions are the
 * {@link StrictMath} ones, so a row is bit-identical in every JVM, interpreted or compiled.
 *
 * <p>Ranks: {@link Row} carries only the feature indices. Because {@code 0x9E3779B1} is prime and {@code D}
 * is not a multiple of it (checked), the map from rank to index is a bijection of {@code [1, D]} onto
 * {@code [0, D)}; {@link #rankOf(long)} inverts it, so the true model can be evaluated on a row's indices
 * alone ({@link #trueMargin(Row)}).
 *
 * <p>Immutable and thread-safe; {@link Serializable} so it can be captured in Spark closures.
 */
public final class SyntheticData implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The SplitMix64 increment, {@code 2^64 / phi}. */
  public static final long GOLD = 0x9E3779B97F4A7C15L;
  /** The multiplier that scatters ranks over feature indices (a prime). */
  public static final long SCATTER = 0x9E3779B1L;
  /** The largest supported {@code D}: every rank up to it is an exact double. */
  public static final long MAX_D = 1L << 53;

  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_K = 30;
  public static final double DEFAULT_ZIPF_S = 1.1;
  public static final double DEFAULT_RHO = 0.1;
  public static final double DEFAULT_BIAS = -0.5;

  private static final double TWO_POW_M53 = 0x1.0p-53;

  private final long n;
  private final long d;
  private final int k;
  private final long seed;
  private final double zipfS;
  private final double rho;
  private final double bias;
  // Derived, all deterministic functions of the fields above.
  private final double span;      // (D + 1)^(1 - s) - 1
  private final double exponent;  // 1 / (1 - s)
  private final long scatterModD; // SCATTER mod D
  private final long unscatter;   // SCATTER^-1 mod D
  private final long weightBase;  // seed * 31 + 0x5DEECE66D
  private final long dMask;       // D - 1 when D is a power of two (mod D is a mask), else -1

  private SyntheticData(Builder b) {
    this.n = b.n;
    this.d = b.d;
    this.k = b.k;
    this.seed = b.seed;
    this.zipfS = b.zipfS;
    this.rho = b.rho;
    this.bias = b.bias;
    this.exponent = 1.0 / (1.0 - zipfS);
    this.span = StrictMath.pow((double) d + 1.0, 1.0 - zipfS) - 1.0;
    this.scatterModD = SCATTER % d;
    this.unscatter = d == 1 ? 0 : BigInteger.valueOf(SCATTER).modInverse(BigInteger.valueOf(d)).longValueExact();
    this.weightBase = seed * 31 + 0x5DEECE66DL;
    this.dMask = Long.bitCount(d) == 1 ? d - 1 : -1;
  }

  /** {@code n} rows, {@code d} features, and the defaults for everything else (seed 42, K 30). */
  public static SyntheticData of(long n, long d) {
    return builder().n(n).d(d).build();
  }

  /** {@code n} rows, {@code d} features, {@code k} features per row, the given seed; defaults otherwise. */
  public static SyntheticData of(long n, long d, int k, long seed) {
    return builder().n(n).d(d).k(k).seed(seed).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Serialization goes through the validating builder, which also recomputes the derived fields. */
  private Object readResolve() {
    return builder().n(n).d(d).k(k).seed(seed).zipfS(zipfS).rho(rho).bias(bias).build();
  }

  /** Number of rows N; row indices are {@code [0, N)}. */
  public long n() {
    return n;
  }

  /** Number of features D; feature indices are {@code [0, D)}. */
  public long d() {
    return d;
  }

  /** Distinct features per row K. */
  public int k() {
    return k;
  }

  public long seed() {
    return seed;
  }

  /** Zipf exponent s of the rank distribution. */
  public double zipfS() {
    return zipfS;
  }

  /** Fraction of ranks with a non-zero true weight. */
  public double rho() {
    return rho;
  }

  /** Bias b of the true model. */
  public double bias() {
    return bias;
  }

  /** Whether row {@code r} belongs to the held-out split ({@code r mod 10 == 9}). */
  public static boolean isHeldOut(long r) {
    return r % 10 == 9;
  }

  /** Number of held-out rows among {@code [0, N)}. */
  public long heldOutRows() {
    return n / 10;
  }

  /** Number of training rows among {@code [0, N)}. */
  public long trainingRows() {
    return n - heldOutRows();
  }

  /**
   * One generated row.
   *
   * @param index the row index r
   * @param features K distinct feature indices in {@code [0, D)}, sorted ascending; every value is 1.0. The
   *     array is owned by the row; do not modify it.
   * @param label 0.0 or 1.0
   * @param heldOut {@code r mod 10 == 9}
   */
  public record Row(long index, long[] features, double label, boolean heldOut) {

    @Override
    public boolean equals(Object o) {
      return o instanceof Row other && index == other.index && Arrays.equals(features, other.features)
          && Double.compare(label, other.label) == 0 && heldOut == other.heldOut;
    }

    @Override
    public int hashCode() {
      return (Long.hashCode(index) * 31 + Arrays.hashCode(features)) * 31 + Double.hashCode(label)
          + (heldOut ? 1 : 0);
    }

    @Override
    public String toString() {
      return "Row[index=" + index + ", label=" + label + ", heldOut=" + heldOut + ", features="
          + Arrays.toString(features) + "]";
    }
  }

  /**
   * Row {@code r}, in {@code [0, N)}. Costs about K power-law draws (a few microseconds); allocates the row
   * and one scratch array.
   */
  public Row row(long r) {
    checkRow(r);
    long[] features = new long[k];
    long[] ranks = new long[k];
    long st = draw(r, features, ranks);
    st += GOLD;
    double label = u(mix64(st)) < sigmoid(marginOfRanks(ranks)) ? 1.0 : 0.0;
    return new Row(r, features, label, isHeldOut(r));
  }

  /**
   * First row of part {@code part} when the N rows are cut into {@code parts} contiguous ranges whose sizes
   * differ by at most one (the first {@code N mod parts} ranges get the extra row). Part {@code p} holds rows
   * {@code [partStart(parts, p), partStart(parts, p + 1))}; {@code part} may equal {@code parts} (gives N).
   */
  public long partStart(int parts, int part) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts: parts=" + parts + " (allowed >= 1)");
    }
    if (part < 0 || part > parts) {
      throw new IllegalArgumentException("part: part=" + part + " (allowed [0, parts=" + parts + "])");
    }
    return n / parts * part + Math.min(part, n % parts);
  }

  /** Rows {@code [from, to)} in order, generated lazily (sequential stream; call {@code parallel()} if wanted). */
  public Stream<Row> rows(long from, long to) {
    if (from < 0 || from > to || to > n) {
      throw new IllegalArgumentException(
          "row range: from=" + from + ", to=" + to + " (allowed 0 <= from <= to <= n=" + n + ")");
    }
    return LongStream.range(from, to).mapToObj(this::row);
  }

  /** All rows {@code [0, N)}: {@code rows(0, n())}. */
  public Stream<Row> rows() {
    return rows(0, n);
  }

  /**
   * Fills {@code ranks} with the K ranks of row {@code r}, aligned with {@code row(r).features()} (that is, in
   * ascending feature-index order, not in draw order). {@code ranks.length} must be K.
   */
  public void ranks(long r, long[] ranks) {
    checkRow(r);
    if (ranks.length != k) {
      throw new IllegalArgumentException("ranks buffer: length=" + ranks.length + " (must equal k=" + k + ")");
    }
    draw(r, new long[k], ranks);
  }

  /**
   * Draws row r: fills {@code features} with its K distinct indices, sorted, and {@code ranks} with their
   * ranks (aligned); returns the hash state after the last draw (skipped duplicates included).
   */
  private long draw(long r, long[] features, long[] ranks) {
    long st = mix64(seed ^ (r * 0xD1342543DE82EF95L + 0x632BE59BD9B4E019L));
    int filled = 0;
    while (filled < k) {
      st += GOLD;
      long rank = rank(u(mix64(st)));
      long j = scatter(rank);
      int pos = Arrays.binarySearch(features, 0, filled, j);
      if (pos >= 0) {
        continue; // duplicate: skip the draw
      }
      pos = -pos - 1;
      System.arraycopy(features, pos, features, pos + 1, filled - pos);
      System.arraycopy(ranks, pos, ranks, pos + 1, filled - pos);
      features[pos] = j;
      ranks[pos] = rank;
      filled++;
    }
    return st;
  }

  /** {@code ((rank - 1) * 0x9E3779B1) mod D} without argument checks. */
  private long scatter(long rank) {
    return dMask >= 0 ? ((rank - 1) * SCATTER) & dMask : mulMod(rank - 1, scatterModD, d);
  }

  /** The rank for a uniform draw {@code u} in [0, 1): the power-law inverse CDF, clamped to [1, D]. */
  long rank(double u) {
    double x = Math.floor(StrictMath.pow(1.0 + u * span, exponent));
    if (!(x >= 1.0)) { // also catches NaN
      return 1;
    }
    return x >= (double) d ? d : (long) x;
  }

  /** The feature index of rank {@code rank} in [1, D]: {@code ((rank - 1) * 0x9E3779B1) mod D}. */
  public long indexOf(long rank) {
    checkRank(rank);
    return scatter(rank);
  }

  /** The rank in [1, D] whose feature index is {@code featureIndex} in [0, D); inverse of {@link #indexOf}. */
  public long rankOf(long featureIndex) {
    if (featureIndex < 0 || featureIndex >= d) {
      throw new IllegalArgumentException(
          "feature index: featureIndex=" + featureIndex + " (allowed [0, " + d + "))");
    }
    return (dMask >= 0 ? (featureIndex * unscatter) & dMask : mulMod(featureIndex, unscatter, d)) + 1;
  }

  /** The true weight of rank {@code rank} in [1, D]: zero unless selected (probability rho), else N(0, 1). */
  public double trueWeight(long rank) {
    checkRank(rank);
    return weightOfRank(rank);
  }

  private double weightOfRank(long rank) {
    long h = mix64(weightBase + rank * GOLD);
    if (!(u(h) < rho)) {
      return 0.0;
    }
    double u1 = ((mix64(h + 1) >>> 11) + 1) * TWO_POW_M53;
    double u2 = u(mix64(h + 2));
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }

  /** The true weight of feature index {@code featureIndex} in [0, D): {@code trueWeight(rankOf(j))}. */
  public double trueFeatureWeight(long featureIndex) {
    return trueWeight(rankOf(featureIndex));
  }

  /** The true margin of row {@code r}: {@code b +} the sum of its features' true weights. */
  public double trueMargin(long r) {
    checkRow(r);
    long[] ranks = new long[k];
    draw(r, new long[k], ranks);
    return marginOfRanks(ranks);
  }

  /** The true margin of an already generated row (from its indices; no regeneration). */
  public double trueMargin(Row row) {
    return marginOf(row.features());
  }

  /** {@code sigmoid(trueMargin(r))}: the Bayes-optimal probability that row r has label 1. */
  public double trueProbability(long r) {
    return sigmoid(trueMargin(r));
  }

  /** {@code sigmoid(trueMargin(row))}. */
  public double trueProbability(Row row) {
    return sigmoid(trueMargin(row));
  }

  /** {@code b} plus the true weights of sorted {@code features}, added in ascending index order. */
  private double marginOf(long[] features) {
    double margin = bias;
    for (long j : features) {
      margin += trueWeight(rankOf(j));
    }
    return margin;
  }

  /** {@code b} plus the true weights of {@code ranks}, added in array order. */
  private double marginOfRanks(long[] ranks) {
    double margin = bias;
    for (long rank : ranks) {
      margin += weightOfRank(rank);
    }
    return margin;
  }

  private void checkRow(long r) {
    if (r < 0 || r >= n) {
      throw new IllegalArgumentException("row index: r=" + r + " (allowed [0, " + n + "))");
    }
  }

  private void checkRank(long rank) {
    if (rank < 1 || rank > d) {
      throw new IllegalArgumentException("rank: rank=" + rank + " (allowed [1, " + d + "])");
    }
  }

  // ---- hash helpers, exactly as in BENCHMARKS.md ----

  /** The SplitMix64 finalizer. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** {@code (h >>> 11) * 2^-53}: uniform in [0, 1). */
  public static double u(long h) {
    return (h >>> 11) * TWO_POW_M53;
  }

  /** {@code 1 / (1 + exp(-x))}, with {@link StrictMath#exp}. */
  public static double sigmoid(double x) {
    return 1.0 / (1.0 + StrictMath.exp(-x));
  }

  /** {@code (a * b) mod m} for {@code 0 <= a, b} and {@code m >= 1}, exact (the product may exceed 64 bits). */
  static long mulMod(long a, long b, long m) {
    long hi = Math.multiplyHigh(a, b); // a, b >= 0, so this is the unsigned high half
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo % m;
    }
    // Slow path (only when D > 2^31): reduce the 128-bit value hi:lo bit by bit; m <= 2^53 keeps 2r < 2^63.
    long r = hi % m;
    for (int bit = 63; bit >= 0; bit--) {
      r = (r << 1) | ((lo >>> bit) & 1);
      if (r >= m) {
        r -= m;
      }
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SyntheticData other && n == other.n && d == other.d && k == other.k && seed == other.seed
        && Double.compare(zipfS, other.zipfS) == 0 && Double.compare(rho, other.rho) == 0
        && Double.compare(bias, other.bias) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {n, d, k, seed, zipfS, rho, bias});
  }

  @Override
  public String toString() {
    return "SyntheticData[n=" + n + ", d=" + d + ", k=" + k + ", seed=" + seed + ", s=" + zipfS + ", rho=" + rho
        + ", b=" + bias + "]";
  }

  /**
   * Validating, set-once builder (Caffeine style): each setter may be called once ({@link
   * IllegalStateException} otherwise) and range-checks its value ({@link IllegalArgumentException}); {@link
   * #build} requires N and D and cross-checks {@code k <= d}. K, seed, s, rho and b default to 30, 42, 1.1, 0.1
   * and -0.5. Not thread-safe.
   */
  public static final class Builder {
    private static final long UNSET = Long.MIN_VALUE;

    private long n = UNSET;
    private long d = UNSET;
    private int k = DEFAULT_K;
    private long seed = DEFAULT_SEED;
    private double zipfS = DEFAULT_ZIPF_S;
    private double rho = DEFAULT_RHO;
    private double bias = DEFAULT_BIAS;
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    /** Rows, in [1, 2^62]. Required. */
    public Builder n(long n) {
      requireUnset("rows", "n", this.n);
      requireArgument(n >= 1 && n <= (1L << 62), "rows: n=%d (allowed [1, 2^62])", n);
      this.n = n;
      return this;
    }

    /** Features, in [k, 2^53] and not a multiple of 0x9E3779B1 (= 2654435761). Required. */
    public Builder d(long d) {
      requireUnset("features", "d", this.d);
      requireArgument(d >= 1 && d <= MAX_D, "features: d=%d (allowed [1, 2^53])", d);
      requireArgument(d % SCATTER != 0, "features: d=%d (must not be a multiple of 2654435761)", d);
      this.d = d;
      return this;
    }

    /** Distinct features per row, in [1, 1024] and at most d; default 30. */
    public Builder k(int k) {
      requireUnset("features per row", "k", this.k);
      requireArgument(k >= 1 && k <= 1024, "features per row: k=%d (allowed [1, 1024])", k);
      this.k = k;
      return this;
    }

    /** Any value; default 42. */
    public Builder seed(long seed) {
      requireUnset("seed", "seed", this.seed);
      this.seed = seed;
      return this;
    }

    /** Zipf exponent, in (1, 10]; default 1.1. */
    public Builder zipfS(double s) {
      requireUnset("zipf exponent", "s", this.zipfS);
      requireArgument(s > 1.0 && s <= 10.0, "zipf exponent: s=%s (allowed (1, 10])", s);
      this.zipfS = s;
      return this;
    }

    /** Informative fraction, in [0, 1]; default 0.1. */
    public Builder rho(double rho) {
      requireUnset("informative fraction", "rho", this.rho);
      requireArgument(rho >= 0.0 && rho <= 1.0, "informative fraction: rho=%s (allowed [0, 1])", rho);
      this.rho = rho;
      return this;
    }

    /** Bias of the true model, finite; default -0.5. */
    public Builder bias(double b) {
      requireUnset("bias", "b", this.bias);
      requireArgument(Double.isFinite(b), "bias: b=%s (allowed finite)", b);
      this.bias = b;
      return this;
    }

    public SyntheticData build() {
      if (n == UNSET) {
        throw new IllegalStateException("rows: n=unset (required, [1, 2^62])");
      }
      if (d == UNSET) {
        throw new IllegalStateException("features: d=unset (required, [k, 2^53])");
      }
      requireArgument(k <= d, "features per row: k=%d (allowed [1, d=%d])", k, d);
      return new SyntheticData(this);
    }

    private void requireUnset(String what, String name, Object current) {
      if (!set.add(name)) {
        throw new IllegalStateException(what + ": " + name + " was already set to " + current);
      }
    }

    private static void requireArgument(boolean ok, String format, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(format, args));
      }
    }
  }
}
