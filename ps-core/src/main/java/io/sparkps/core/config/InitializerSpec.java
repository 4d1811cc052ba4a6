package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a row's values start: zeros, a constant, or seeded uniform / normal draws. The value of
 * (key, column) is a pure function of (seed, key, column), so a row looks the same on whichever
 * server holds it and after any restore. Immutable and thread-safe.
 */
public final class InitializerSpec implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The distribution family. Stable ordinals: they go on the wire. */
  public enum Kind { ZEROS, CONSTANT, UNIFORM, NORMAL }

  private final Kind kind;
  private final double a;
  private final double b;
  private final long seed;

  private InitializerSpec(Kind kind, double a, double b, long seed) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.a = a;
    this.b = b;
    this.seed = seed;
  }

  /** Rebuilds a spec from its parts (used by the wire codec); validates as the factories do. */
  public static InitializerSpec of(Kind kind, double a, double b, long seed) {
    switch (kind) {
      case ZEROS: return zeros();
      case CONSTANT: return constant(a);
      case UNIFORM: return uniform(a, b, seed);
      case NORMAL: return normal(a, b, seed);
      default: throw new IllegalArgumentException("unknown initializer kind: kind=" + kind);
    }
  }

  public static InitializerSpec zeros() {
    return new InitializerSpec(Kind.ZEROS, 0, 0, 0);
  }

  public static InitializerSpec constant(double value) {
    requireArgument(Double.isFinite(value), "constant initializer must be finite: value=%s", value);
    return new InitializerSpec(Kind.CONSTANT, value, 0, 0);
  }

  /** Uniform in [low, high). */
  public static InitializerSpec uniform(double low, double high, long seed) {
    requireArgument(Double.isFinite(low) && Double.isFinite(high) && low < high,
        "uniform initializer needs low < high: low=%s, high=%s", low, high);
    return new InitializerSpec(Kind.UNIFORM, low, high, seed);
  }

  /** Normal with the given mean and standard deviation. */
  public static InitializerSpec normal(double mean, double stddev, long seed) {
    requireArgument(Double.isFinite(mean), "normal initializer mean must be finite: mean=%s", mean);
    requireArgument(stddev >= 0 && Double.isFinite(stddev),
        "normal initializer stddev must be finite and >= 0: stddev=%s", stddev);
    return new InitializerSpec(Kind.NORMAL, mean, stddev, seed);
  }

  public Kind kind() {
    return kind;
  }

  /** constant: the value; uniform: low; normal: mean. */
  public double a() {
    return a;
  }

  /** uniform: high; normal: stddev. */
  public double b() {
    return b;
  }

  public long seed() {
    return seed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InitializerSpec other && kind == other.kind
        && Double.compare(a, other.a) == 0 && Double.compare(b, other.b) == 0 && seed == other.seed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, a, b, seed);
  }

  @Override
  public String toString() {
    switch (kind) {
      case ZEROS: return "zeros";
      case CONSTANT: return "constant(" + a + ")";
      case UNIFORM: return "uniform(" + a + ", " + b + ", seed=" + seed + ")";
      default: return "normal(" + a + ", " + b + ", seed=" + seed + ")";
    }
  }
}
