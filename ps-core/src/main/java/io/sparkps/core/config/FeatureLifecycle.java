package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How the rows of a sparse table come and go, so an unbounded key space stays bounded (see
 * docs/features.md): <b>expiry</b> removes a row not written for {@link #expireAfterClocks} of
 * its shard's clocks or for {@link #expireAfterMillis} of the server's time, and <b>admission</b>
 * creates a key's row only on its {@link #admitAfter}-th push, counting the pushes before in a
 * fixed-size counting sketch of {@link #admissionSketchBytes} per shard; those earlier pushes
 * are dropped by design. {@link #NONE} (the default) does neither. Each {@code with*} method
 * validates at once. Immutable and thread-safe.
 */
public final class FeatureLifecycle implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Sketch bytes per shard when admission is on and no size was given (4 MiB). */
  public static final int DEFAULT_SKETCH_BYTES = 4 << 20;
  /** Smallest sketch accepted: 4 rows of 1024 one-byte counters. */
  public static final int MIN_SKETCH_BYTES = 4 << 10;
  /** Largest sketch accepted per shard (1 GiB). */
  public static final int MAX_SKETCH_BYTES = 1 << 30;
  /** Highest admission count: the sketch's counters are one byte. */
  public static final int MAX_ADMIT_AFTER = 255;

  /** No expiry, every key admitted on its first write. */
  public static final FeatureLifecycle NONE = new FeatureLifecycle(0, 0, 1, DEFAULT_SKETCH_BYTES);

  private final long expireAfterClocks;
  private final long expireAfterMillis;
  private final int admitAfter;
  private final int admissionSketchBytes;

  private FeatureLifecycle(long expireAfterClocks, long expireAfterMillis, int admitAfter,
      int admissionSketchBytes) {
    this.expireAfterClocks = expireAfterClocks;
    this.expireAfterMillis = expireAfterMillis;
    this.admitAfter = admitAfter;
    this.admissionSketchBytes = admissionSketchBytes;
  }

  /** Rebuilds options from their parts (the wire codec); validates everything. */
  public static FeatureLifecycle of(long expireAfterClocks, long expireAfterMillis, int admitAfter,
      int admissionSketchBytes) {
    FeatureLifecycle l = NONE.withAdmitAfter(admitAfter).withAdmissionSketchBytes(admissionSketchBytes);
    if (expireAfterClocks != 0) {
      l = l.withExpireAfterClocks(expireAfterClocks);
    }
    if (expireAfterMillis != 0) {
      l = l.withExpireAfterWrite(Duration.ofMillis(expireAfterMillis));
    }
    return l;
  }

  /**
   * Rows not written during the last {@code clocks} clocks of their shard are removed. A shard's
   * clock moves with the clocks of the tagged (Worker) pushes it receives; see docs/features.md.
   * Excludes {@link #withExpireAfterWrite}.
   */
  public FeatureLifecycle withExpireAfterClocks(long clocks) {
    requireArgument(clocks > 0, "expireAfterClocks out of range: clocks=%s (> 0)", clocks);
    requireArgument(expireAfterMillis == 0,
        "expireAfterClocks and expireAfterWrite exclude each other: expireAfterMillis=%s is already set",
        expireAfterMillis);
    return new FeatureLifecycle(clocks, 0, admitAfter, admissionSketchBytes);
  }

  /**
   * Rows not written for {@code age} (millisecond precision, at least 1 ms) of the server's
   * monotonic time are removed. Excludes {@link #withExpireAfterClocks}.
   */
  public FeatureLifecycle withExpireAfterWrite(Duration age) {
    Objects.requireNonNull(age, "age");
    requireArgument(!age.isNegative() && age.toMillis() > 0,
        "expireAfterWrite out of range: age=%s (>= 1 ms)", age);
    requireArgument(expireAfterClocks == 0,
        "expireAfterClocks and expireAfterWrite exclude each other: expireAfterClocks=%s is already set",
        expireAfterClocks);
    return new FeatureLifecycle(0, age.toMillis(), admitAfter, admissionSketchBytes);
  }

  /**
   * A key's row is created by its {@code count}-th push (1: the first, admission off); the
   * pushes before it are counted in the sketch and dropped.
   */
  public FeatureLifecycle withAdmitAfter(int count) {
    requireArgument(count >= 1 && count <= MAX_ADMIT_AFTER,
        "admitAfter out of range: count=%s ([1, %s]; 1 admits every key at once)", count, MAX_ADMIT_AFTER);
    return new FeatureLifecycle(expireAfterClocks, expireAfterMillis, count, admissionSketchBytes);
  }

  /**
   * Heap bytes of each shard's admission sketch, rounded down to a power of two; it counts the
   * pushes of keys not yet admitted, over a window of about {@code bytes / 8} such pushes.
   */
  public FeatureLifecycle withAdmissionSketchBytes(int bytes) {
    requireArgument(bytes >= MIN_SKETCH_BYTES && bytes <= MAX_SKETCH_BYTES,
        "admissionSketchBytes out of range: bytes=%s ([%s, %s])", bytes, MIN_SKETCH_BYTES, MAX_SKETCH_BYTES);
    return new FeatureLifecycle(expireAfterClocks, expireAfterMillis, admitAfter, bytes);
  }

  /** Clocks without a write after which a row is removed; 0 when off. */
  public long expireAfterClocks() {
    return expireAfterClocks;
  }

  /** Milliseconds without a write after which a row is removed; 0 when off. */
  public long expireAfterMillis() {
    return expireAfterMillis;
  }

  /** Pushes that create a key's row (the last of them applied); 1 when admission is off. */
  public int admitAfter() {
    return admitAfter;
  }

  /** The sketch's requested bytes per shard (used only when admission is on). */
  public int admissionSketchBytes() {
    return admissionSketchBytes;
  }

  public boolean expires() {
    return expireAfterClocks > 0 || expireAfterMillis > 0;
  }

  public boolean admits() {
    return admitAfter > 1;
  }

  /** Whether any option differs from {@link #NONE}. */
  public boolean isSet() {
    return !equals(NONE);
  }

  /** A deserialized value (a checkpoint's manifest) is validated like any other. */
  private Object readResolve() {
    return of(expireAfterClocks, expireAfterMillis, admitAfter, admissionSketchBytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureLifecycle l && expireAfterClocks == l.expireAfterClocks
        && expireAfterMillis == l.expireAfterMillis && admitAfter == l.admitAfter
        && admissionSketchBytes == l.admissionSketchBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(expireAfterClocks, expireAfterMillis, admitAfter, admissionSketchBytes);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("FeatureLifecycle{");
    if (expireAfterClocks > 0) {
      s.append("expireAfterClocks=").append(expireAfterClocks).append(", ");
    }
    if (expireAfterMillis > 0) {
      s.append("expireAfterMillis=").append(expireAfterMillis).append(", ");
    }
    s.append("admitAfter=").append(admitAfter);
    if (admits()) {
      s.append(", admissionSketchBytes=").append(admissionSketchBytes);
    }
    return s.append('}').toString();
  }
}
