package io.sparkps.core.storage;

import io.sparkps.core.config.InitializerSpec;

import io.sparkps.core.partition.Hashing;
import java.util.Arrays;
import java.util.Objects;

/**
 * Produces a row's starting values from an {@link InitializerSpec}. The value at (key, column) is
 * a pure function of (seed, key, column), independent of the row width, the shard and the order
 * rows are touched in, so a row looks the same wherever and whenever it is created.
 * Immutable and thread-safe.
 */
public final class Initializer {

  private final InitializerSpec spec;
  private final InitializerSpec.Kind kind;
  private final double a;
  private final double b;
  private final long seed;

  private Initializer(InitializerSpec spec) {
    this.spec = spec;
    this.kind = spec.kind();
    this.a = spec.a();
    this.b = spec.b();
    this.seed = spec.seed();
  }

  public static Initializer of(InitializerSpec spec) {
    return new Initializer(Objects.requireNonNull(spec, "spec"));
  }

  public InitializerSpec spec() {
    return spec;
  }

  /** Writes the starting values of row {@code key} to {@code out[off .. off+dim)}. */
  public void fill(long key, float[] out, int off, int dim) {
    switch (kind) {
      case ZEROS:
        Arrays.fill(out, off, off + dim, 0f);
        return;
      case CONSTANT:
        Arrays.fill(out, off, off + dim, (float) a);
        return;
      case UNIFORM:
        fillUniform(rowStream(key), out, off, dim);
        return;
      case NORMAL:
        fillNormal(rowStream(key), out, off, dim);
        return;
      default:
        throw new IllegalStateException("unhandled initializer kind: kind=" + kind);
    }
  }

  /** The start of the row's SplitMix64 stream; mixing twice keeps nearby seeds and keys apart. */
  private long rowStream(long key) {
    return Hashing.mix64(seed ^ Hashing.mix64(key));
  }

  /** The i-th uniform [0, 1) of a row's stream (SplitMix64: mix of state + i * golden). */
  private static double draw(long stream, long i) {
    return Hashing.unit(Hashing.mix64(stream + (i + 1) * Hashing.GOLDEN));
  }

  private void fillUniform(long stream, float[] out, int off, int dim) {
    float high = (float) b;
    // Rounding to float can land on b itself; the float just below keeps the range half-open.
    float belowHigh = high < b ? high : Math.nextDown(high);
    for (int c = 0; c < dim; c++) {
      float v = (float) (a + (b - a) * draw(stream, c));
      out[off + c] = v >= b ? belowHigh : v;
    }
  }

  private void fillNormal(long stream, float[] out, int off, int dim) {
    for (int c = 0; c < dim; c++) {
      // Box-Muller, cosine branch only: two draws per column keep columns independent of dim.
      double u1 = 1.0 - draw(stream, 2L * c);  // (0, 1], so log never sees 0
      double u2 = draw(stream, 2L * c + 1);
      double z = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
      out[off + c] = (float) (a + b * z);
    }
  }

  @Override
  public String toString() {
    return "Initializer{" + spec + "}";
  }
}
