package io.sparkps.core.client;

import java.util.Arrays;

/**
 * Outcome of a compare-and-set: whether it applied, the row's version afterwards (the current one
 * when it did not apply) and the row's values at that version. Immutable.
 */
public record CasResult(boolean applied, long version, float[] values) {

  public CasResult {
    values = values.clone();
  }

  @Override
  public float[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CasResult r && applied == r.applied && version == r.version
        && Arrays.equals(values, r.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Boolean.hashCode(applied) + Long.hashCode(version)) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "CasResult{applied=" + applied + ", version=" + version + ", values=" + Arrays.toString(values) + "}";
  }
}
