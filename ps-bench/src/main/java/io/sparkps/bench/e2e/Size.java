package io.sparkps.bench.e2e;

import java.util.List;

/**
 * A data size of the shared generator (BENCHMARKS.md): N rows, D features. Immutable.
 *
 * @param name what tables and files call it
 * @param n rows (every tenth is held out)
 * @param d features
 */
public record Size(String name, long n, long d) {

  /** The smoke test's size: seconds to train, yet enough rows per partition for every method to learn. */
  public static final Size TINY = new Size("tiny", 20_000, 1L << 12);
  public static final Size SMALL = new Size("small", 100_000, 1L << 20);
  public static final Size MEDIUM = new Size("medium", 1_000_000, 1L << 24);
  public static final Size LARGE = new Size("large", 1_000_000, 1L << 27);

  public Size {
    if (name == null || name.isBlank() || name.contains(",")) {
      throw new IllegalArgumentException("size name: name=" + name + " (non-empty, no commas)");
    }
    if (n < 10 || d < 2 || d > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("size " + name + ": n=" + n + ", d=" + d
          + " (n >= 10 so rows are held out; 2 <= d <= 2^31 - 1 for an ml SparseVector)");
    }
  }

  /** The named sizes, or {@code growth-2^k} / any {@code name:n:d}. */
  public static Size parse(String s) {
    for (Size known : List.of(TINY, SMALL, MEDIUM, LARGE)) {
      if (known.name.equals(s)) {
        return known;
      }
    }
    String[] p = s.split(":");
    if (p.length != 3) {
      throw new IllegalArgumentException("size: size=" + s + " (tiny, small, medium, large or name:n:d)");
    }
    return new Size(p[0], parseCount(p[1]), parseCount(p[2]));
  }

  /** {@code 1000000}, {@code 1_000_000} or {@code 2^20}. */
  static long parseCount(String v) {
    return v.startsWith("2^") ? 1L << Integer.parseInt(v.substring(2)) : Long.parseLong(v.replace("_", ""));
  }

  /** {@code name:n:d}, what {@link #parse} reads back. */
  public String spec() {
    return name + ":" + n + ":" + d;
  }

  /** {@code 2^k} when D is a power of two. */
  public String dLabel() {
    return Long.bitCount(d) == 1 ? "2^" + Long.numberOfTrailingZeros(d) : Long.toString(d);
  }
}
