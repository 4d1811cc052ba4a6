package io.sparkps.core.clock;

import static io.sparkps.core.check.Checks.requireArgument;

import java.io.Serializable;

/**
 * How far workers of a run may drift apart: BSP (staleness 0: every worker waits for all at each
 * clock), SSP(s) (a worker may run at most s clocks ahead of the slowest) or ASP (no gating).
 * Because a worker's pushes are acknowledged before its clock counts, a pull made at clock c sees
 * every update pushed at clocks {@code <= c - s - 1} by every worker. Immutable.
 */
public final class Consistency implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Wire value of ASP's staleness. */
  public static final int UNBOUNDED = -1;

  private final int staleness;

  private Consistency(int staleness) {
    this.staleness = staleness;
  }

  /** Bulk synchronous: staleness 0. */
  public static Consistency bsp() {
    return new Consistency(0);
  }

  /** Stale synchronous with bound {@code s >= 1} (use {@link #bsp()} for 0). */
  public static Consistency ssp(int s) {
    requireArgument(s >= 1, "SSP staleness must be >= 1 (0 is BSP): staleness=%s", s);
    return new Consistency(s);
  }

  /** Asynchronous: clocks are counted but never wait. */
  public static Consistency asp() {
    return new Consistency(UNBOUNDED);
  }

  /** From the wire or a config value: -1 ASP, 0 BSP, s >= 1 SSP. */
  public static Consistency ofStaleness(int staleness) {
    requireArgument(staleness >= UNBOUNDED, "staleness must be >= -1 (-1 ASP, 0 BSP, s SSP): staleness=%s",
        staleness);
    return new Consistency(staleness);
  }

  /** -1 for ASP. */
  public int staleness() {
    return staleness;
  }

  public boolean gated() {
    return staleness != UNBOUNDED;
  }

  /** The slowest worker's clock a worker at {@code clock} must wait for. */
  long requiredMin(long clock) {
    return gated() ? clock - staleness : Long.MIN_VALUE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Consistency c && c.staleness == staleness;
  }

  @Override
  public int hashCode() {
    return staleness;
  }

  @Override
  public String toString() {
    return staleness == UNBOUNDED ? "ASP" : staleness == 0 ? "BSP" : "SSP(" + staleness + ")";
  }
}
