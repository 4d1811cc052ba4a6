package io.sparkps.core.partition;

/** SplitMix64 mixing, shared by the ring and the seeded initializers. Stateless. */
public final class Hashing {

  /** 2^64 / golden ratio: the SplitMix64 increment. */
  public static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Hashing() {}

  /** The SplitMix64 finalizer: a bijection on longs with good avalanche. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform double in [0, 1) from the top 53 bits of {@code h}. */
  public static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }
}
