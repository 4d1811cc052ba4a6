package io.sparkps.bench.transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The checks of the benchmark itself, run before measuring: the reference and spark-ps return the
 * loaded values for a dense and a sparse pull, and the same values as each other after one push
 * with each updater. {@link #passed()} when nothing failed. Immutable once made.
 */
public record Verification(List<String> checks, List<String> failures) {

  public Verification {
    checks = List.copyOf(checks);
    failures = List.copyOf(failures);
  }

  public boolean passed() {
    return failures.isEmpty();
  }

  /**
   * Runs the checks on the first session of the reference and of spark-ps (either may be absent:
   * then only its pulls are checked). Pushes to every table, so run it before measuring.
   */
  static Verification run(TransportOptions o, Map<String, List<BenchSystem.Session>> sessions, BenchData data)
      throws Exception {
    List<String> checks = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    BenchSystem.Session ref = first(sessions.get(ReferenceSystem.NAME));
    BenchSystem.Session ps = first(sessions.get(SparkPsSystem.NAME));
    long[] keys = BenchData.keySets(o, 1, new SplittableRandom(o.seed() ^ 0x5EED))[0];
    float[] expected = new float[keys.length * o.dim()];
    for (int i = 0; i < keys.length; i++) {
      System.arraycopy(data.values, (int) keys[i] * o.dim(), expected, i * o.dim(), o.dim());
    }
    for (Map.Entry<String, BenchSystem.Session> e : sessionsOf(ref, ps).entrySet()) {
      check(checks, failures, e.getKey() + " dense pull = loaded", data.dense,
          e.getValue().densePull(BenchTable.DENSE_SUM));
      check(checks, failures, e.getKey() + " sparse pull = loaded", expected,
          e.getValue().sparsePull(BenchTable.SPARSE_SUM, keys));
    }
    if (ref == null || ps == null) {
      return new Verification(checks, failures);
    }
    float[] denseDelta = BenchData.gradient(o.denseFloats());
    float[] sparseDelta = BenchData.gradient(keys.length * o.dim());
    for (BenchSystem.Session s : List.of(ref, ps)) {
      s.densePush(BenchTable.DENSE_SUM, denseDelta);
      s.densePush(BenchTable.DENSE_ADAGRAD, denseDelta);
      s.sparsePush(BenchTable.SPARSE_SUM, keys, sparseDelta);
      s.sparsePush(BenchTable.SPARSE_ADAGRAD, keys, sparseDelta);
    }
    for (BenchTable t : BenchTable.values()) {
      float[] a = t.dense() ? ref.densePull(t) : ref.sparsePull(t, keys);
      float[] b = t.dense() ? ps.densePull(t) : ps.sparsePull(t, keys);
      check(checks, failures, "pull after push " + t.name().toLowerCase() + " reference = spark-ps", a, b);
    }
    return new Verification(checks, failures);
  }

  private static Map<String, BenchSystem.Session> sessionsOf(BenchSystem.Session ref, BenchSystem.Session ps) {
    Map<String, BenchSystem.Session> m = new LinkedHashMap<>();
    if (ref != null) {
      m.put(ReferenceSystem.NAME, ref);
    }
    if (ps != null) {
      m.put(SparkPsSystem.NAME, ps);
    }
    return m;
  }

  private static void check(List<String> checks, List<String> failures, String what, float[] expected, float[] got) {
    checks.add(what);
    if (!Arrays.equals(expected, got)) {
      int at = -1;
      for (int i = 0; i < Math.min(expected.length, got.length); i++) {
        if (Float.compare(expected[i], got[i]) != 0) {
          at = i;
          break;
        }
      }
      failures.add(what + ": lengths " + expected.length + "/" + got.length
          + (at >= 0 ? ", first difference at " + at + ": " + expected[at] + " vs " + got[at] : ""));
    }
  }

  private static BenchSystem.Session first(List<BenchSystem.Session> list) {
    return list == null || list.isEmpty() ? null : list.get(0);
  }
}
