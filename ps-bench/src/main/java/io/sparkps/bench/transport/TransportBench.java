package io.sparkps.bench.transport;

import io.sparkps.core.config.PsConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The transport benchmark: the same workloads against the minimal blocking-socket reference
 * server ({@link ReferenceServer}) and spark-ps, in one run, in this JVM, one system at a time,
 * alternating which goes first from round to round. Every raw point goes to
 * {@code transport-points.csv}; the medians over rounds, the ratios to the reference and the
 * targets to {@code transport-summary.csv}.
 *
 * <p>Before measuring it checks the benchmark itself: both systems return the loaded values for a
 * pull, and the same values after one push with each updater.
 *
 * <p>Run: {@code scripts/bench transport [--seconds=S] [--rounds=R] ...} (see {@link Options#parse}).
 */
public final class TransportBench {

  /** ps-lite, measured separately on this machine (BENCHMARKS.md): 1 server, 1 client. */
  static final Map<Workload, Double> PS_LITE = Map.of(
      Workload.DENSE_PULL, 1.83, Workload.DENSE_PUSH_SUM, 1.98,
      Workload.SPARSE_PULL, 13.8, Workload.SPARSE_PUSH_SUM, 15.4);
  /** The minimal Java server of BENCHMARKS.md, measured separately (a sanity check of ours). */
  static final Map<Workload, Double> MINIMAL_JAVA_SEPARATE = Map.of(
      Workload.DENSE_PULL, 1.27, Workload.DENSE_PUSH_SUM, 1.81,
      Workload.SPARSE_PULL, 4.2, Workload.SPARSE_PUSH_SUM, 3.3);

  private TransportBench() {}

  /** Sizes, durations and selections. Immutable. */
  public record Options(int denseFloats, int dim, int populatedKeys, int sparseKeys, int[] clients,
      double warmupSeconds, double measureSeconds, int rounds, Set<String> systems, Set<Workload> workloads,
      Path outDir, long seed, String profile, int servers) {

    public static Options defaults() {
      return new Options(1 << 20, 16, 1_000_000, 10_000, new int[] {1, 4}, 1.0, 3.0, 1,
          new LinkedHashSet<>(List.of(ReferenceSystem.NAME, SparkPsSystem.NAME, TransportOnlySystem.NAME)),
          new LinkedHashSet<>(List.of(Workload.values())), null, 42, null, 1);
    }

    /**
     * {@code --dense-floats=N --dim=N --keys=N (populated) --sparse-keys=N (per op) --clients=1,4
     * --warmup=S --seconds=S --rounds=N --systems=reference,spark-ps,ps-transport-only
     * --workloads=dense-pull,... --out=DIR --seed=N --servers=N --profile=cpu|itimer|wall|alloc}; spark-ps
     * runs {@code servers} servers (default 1; more give each table more shards); the profile
     * (async-profiler) covers the measured points only and is written to the out directory.
     */
    public static Options parse(String... args) {
      Options o = defaults();
      for (String a : args) {
        int eq = a.indexOf('=');
        if (!a.startsWith("--") || eq < 0) {
          throw new IllegalArgumentException("bad argument: " + a + " (--name=value)");
        }
        String k = a.substring(2, eq);
        String v = a.substring(eq + 1);
        o = switch (k) {
          case "dense-floats" -> o.with(Integer.parseInt(v), o.dim, o.populatedKeys, o.sparseKeys, o.clients);
          case "dim" -> o.with(o.denseFloats, Integer.parseInt(v), o.populatedKeys, o.sparseKeys, o.clients);
          case "keys" -> o.with(o.denseFloats, o.dim, Integer.parseInt(v), o.sparseKeys, o.clients);
          case "sparse-keys" -> o.with(o.denseFloats, o.dim, o.populatedKeys, Integer.parseInt(v), o.clients);
          case "clients" -> o.with(o.denseFloats, o.dim, o.populatedKeys, o.sparseKeys,
              Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray());
          case "warmup" -> o.timing(Double.parseDouble(v), o.measureSeconds, o.rounds);
          case "seconds" -> o.timing(o.warmupSeconds, Double.parseDouble(v), o.rounds);
          case "rounds" -> o.timing(o.warmupSeconds, o.measureSeconds, Integer.parseInt(v));
          case "systems" -> o.select(new LinkedHashSet<>(List.of(v.split(","))), o.workloads);
          case "workloads" -> o.select(o.systems, new LinkedHashSet<>(
              Arrays.stream(v.split(",")).map(Workload::byId).toList()));
          case "out" -> o.outDir(Path.of(v));
          case "seed" -> new Options(o.denseFloats, o.dim, o.populatedKeys, o.sparseKeys, o.clients,
              o.warmupSeconds, o.measureSeconds, o.rounds, o.systems, o.workloads, o.outDir, Long.parseLong(v),
              o.profile, o.servers);
          case "profile" -> new Options(o.denseFloats, o.dim, o.populatedKeys, o.sparseKeys, o.clients,
              o.warmupSeconds, o.measureSeconds, o.rounds, o.systems, o.workloads, o.outDir, o.seed, v, o.servers);
          case "servers" -> new Options(o.denseFloats, o.dim, o.populatedKeys, o.sparseKeys, o.clients,
              o.warmupSeconds, o.measureSeconds, o.rounds, o.systems, o.workloads, o.outDir, o.seed, o.profile,
              Integer.parseInt(v));
          default -> throw new IllegalArgumentException("unknown option: --" + k);
        };
      }
      o.validate();
      return o;
    }

    public Options with(int denseFloats, int dim, int populatedKeys, int sparseKeys, int[] clients) {
      return new Options(denseFloats, dim, populatedKeys, sparseKeys, clients, warmupSeconds, measureSeconds,
          rounds, systems, workloads, outDir, seed, profile, servers);
    }

    public Options timing(double warmup, double measure, int rounds) {
      return new Options(denseFloats, dim, populatedKeys, sparseKeys, clients, warmup, measure, rounds,
          systems, workloads, outDir, seed, profile, servers);
    }

    public Options select(Set<String> systems, Set<Workload> workloads) {
      return new Options(denseFloats, dim, populatedKeys, sparseKeys, clients, warmupSeconds, measureSeconds,
          rounds, systems, workloads, outDir, seed, profile, servers);
    }

    public Options outDir(Path dir) {
      return new Options(denseFloats, dim, populatedKeys, sparseKeys, clients, warmupSeconds, measureSeconds,
          rounds, systems, workloads, dir, seed, profile, servers);
    }

    void validate() {
      require(denseFloats > 0 && dim > 0, "sizes must be positive: denseFloats=%s, dim=%s", denseFloats, dim);
      require(sparseKeys > 0 && sparseKeys <= populatedKeys,
          "sparse keys per op out of range: sparseKeys=%s ([1, keys=%s])", sparseKeys, populatedKeys);
      require(clients.length > 0 && Arrays.stream(clients).allMatch(c -> c > 0), "clients must be > 0: clients=%s",
          Arrays.toString(clients));
      require(servers >= 1, "servers must be >= 1: servers=%s", servers);
      require(warmupSeconds >= 0 && measureSeconds > 0 && rounds > 0,
          "timing out of range: warmup=%s (>= 0), seconds=%s (> 0), rounds=%s (> 0)", warmupSeconds, measureSeconds, rounds);
      for (String s : systems) {
        require(List.of(ReferenceSystem.NAME, SparkPsSystem.NAME, TransportOnlySystem.NAME).contains(s),
            "unknown system: system=%s (reference, spark-ps, ps-transport-only)", s);
      }
    }

    int maxClients() {
      return Arrays.stream(clients).max().orElse(1);
    }
  }

  /** One measured point: one system, workload, client count and round. */
  public record Point(String system, Workload workload, int clients, int round, long ops, double seconds,
      double opsPerSec, double gbPerSec, double keysPerSec, double p50Us, double p99Us, double meanUs) {}

  /** The checks of the benchmark itself; {@link #passed()} when nothing failed. */
  public record Verification(List<String> checks, List<String> failures) {
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /** Everything one run produced. */
  public record Result(Options options, Verification verification, List<Point> points) {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Result result = run(options, System.out);
    List<Summary> summary = summarize(result.points());
    printSummary(summary, System.out);
    if (options.outDir() != null) {
      Files.createDirectories(options.outDir());
      writePoints(result.points(), options.outDir().resolve("transport-points.csv"));
      writeSummary(summary, options.outDir().resolve("transport-summary.csv"));
      System.out.println("wrote " + options.outDir().resolve("transport-points.csv") + " and transport-summary.csv");
    }
    if (!result.verification().passed()) {
      System.err.println("VERIFICATION FAILED: " + result.verification().failures());
      System.exit(1);
    }
  }

  /** Starts the selected systems, loads them, verifies, measures every point, and stops them. */
  public static Result run(Options o, PrintStream log) throws Exception {
    log.printf(Locale.ROOT, "transport benchmark: %d cores, JDK %s, max heap %d MiB; dense row %d floats, "
            + "%d populated keys x dim %d, %d keys per sparse op; clients %s; %.1f s warm-up + %.1f s per point, "
            + "%d round(s); spark-ps servers: %d; everything in one JVM on loopback%n",
        Runtime.getRuntime().availableProcessors(), Runtime.version(), Runtime.getRuntime().maxMemory() >> 20,
        o.denseFloats(), o.populatedKeys(), o.dim(), o.sparseKeys(), Arrays.toString(o.clients()),
        o.warmupSeconds(), o.measureSeconds(), o.rounds(), o.servers());
    float[] dense = new float[o.denseFloats()];
    for (int i = 0; i < dense.length; i++) {
      dense[i] = value(i, 0);
    }
    long[] keys = new long[o.populatedKeys()];
    float[] values = new float[keys.length * o.dim()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
      for (int j = 0; j < o.dim(); j++) {
        values[i * o.dim() + j] = value(i, j + 1);
      }
    }
    PsConfig config = PsConfig.defaults();
    List<BenchSystem> systems = new ArrayList<>();
    Map<String, List<BenchSystem.Session>> sessions = new LinkedHashMap<>();
    try {
      for (String name : o.systems()) {
        long t0 = System.nanoTime();
        BenchSystem s = switch (name) {
          case ReferenceSystem.NAME -> new ReferenceSystem(o.denseFloats(), o.dim(), o.populatedKeys());
          case SparkPsSystem.NAME -> new SparkPsSystem(config, o.denseFloats(), o.dim(), o.servers());
          default -> new TransportOnlySystem(config, o.dim());
        };
        systems.add(s);
        s.load(dense, keys, values);
        List<BenchSystem.Session> list = new ArrayList<>();
        for (int c = 0; c < o.maxClients(); c++) {
          list.add(s.openSession());
        }
        sessions.put(name, list);
        log.printf(Locale.ROOT, "started and loaded %s in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
      }
      Verification verification = verify(o, sessions, dense, values);
      log.println("verification: " + (verification.passed() ? "passed" : "FAILED") + " " + verification.checks()
          + (verification.passed() ? "" : " failures: " + verification.failures()));
      Profiling profiling = o.profile() == null ? null
          : Profiling.start(o.profile(), o.outDir() != null ? o.outDir() : Path.of("."));
      List<Point> points = measureAll(o, sessions, log);
      if (profiling != null) {
        profiling.stop();
      }
      return new Result(o, verification, points);
    } finally {
      for (List<BenchSystem.Session> list : sessions.values()) {
        for (BenchSystem.Session s : list) {
          s.close();
        }
      }
      for (BenchSystem s : systems) {
        s.close();
      }
    }
  }

  /** The loaded value of (row or key {@code i}, column {@code j}); columns of dense rows use j = 0. */
  static float value(long i, int j) {
    return (float) (Math.floorMod(i * 7919 + j * 31, 2001) - 1000) / 1000f;
  }

  // ---- verification ----

  private static Verification verify(Options o, Map<String, List<BenchSystem.Session>> sessions, float[] dense,
      float[] values) throws Exception {
    List<String> checks = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    BenchSystem.Session ref = first(sessions.get(ReferenceSystem.NAME));
    BenchSystem.Session ps = first(sessions.get(SparkPsSystem.NAME));
    long[] keys = keySets(o, 1, new SplittableRandom(o.seed() ^ 0x5EED))[0];
    float[] expected = new float[keys.length * o.dim()];
    for (int i = 0; i < keys.length; i++) {
      System.arraycopy(values, (int) keys[i] * o.dim(), expected, i * o.dim(), o.dim());
    }
    for (Map.Entry<String, BenchSystem.Session> e : sessionsOf(ref, ps).entrySet()) {
      check(checks, failures, e.getKey() + " dense pull = loaded", dense, e.getValue().densePull(BenchTable.DENSE_SUM));
      check(checks, failures, e.getKey() + " sparse pull = loaded", expected,
          e.getValue().sparsePull(BenchTable.SPARSE_SUM, keys));
    }
    if (ref == null || ps == null) {
      return new Verification(checks, failures);
    }
    float[] denseDelta = gradient(o.denseFloats());
    float[] sparseDelta = gradient(keys.length * o.dim());
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

  /** A fixed, small, mixed-sign gradient. */
  static float[] gradient(int n) {
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = 0.001f * ((i % 7) - 3);
    }
    return g;
  }

  /** {@code count} sets of {@code sparseKeys} distinct populated keys, each sorted. */
  static long[][] keySets(Options o, int count, SplittableRandom rnd) {
    int n = o.populatedKeys();
    int m = o.sparseKeys();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    long[][] sets = new long[count][];
    for (int s = 0; s < count; s++) {
      long[] set = new long[m];
      for (int i = 0; i < m; i++) {  // partial Fisher-Yates: perm stays a permutation
        int j = i + rnd.nextInt(n - i);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        set[i] = perm[i];
      }
      Arrays.sort(set);
      sets[s] = set;
    }
    return sets;
  }

  // ---- measurement ----

  private static List<Point> measureAll(Options o, Map<String, List<BenchSystem.Session>> sessions, PrintStream log)
      throws Exception {
    List<String> names = new ArrayList<>(sessions.keySet());
    int total = 0;
    for (Workload w : o.workloads()) {
      total += o.clients().length * (int) names.stream().filter(n -> supports(n, w)).count();
    }
    total *= o.rounds();
    List<Point> points = new ArrayList<>();
    int done = 0;
    for (int round = 0; round < o.rounds(); round++) {
      for (Workload w : o.workloads()) {
        for (int clients : o.clients()) {
          List<String> order = new ArrayList<>(names);
          if (round % 2 == 1) {
            java.util.Collections.reverse(order);
          }
          for (String name : order) {
            if (!supports(name, w)) {
              continue;
            }
            Point p = measure(o, name, sessions.get(name).subList(0, clients), w, round);
            points.add(p);
            done++;
            log.printf(Locale.ROOT, "[%d/%d] round %d %-18s %-20s clients=%d: %s%n", done, total, round + 1, name,
                w.id(), clients, describe(p));
          }
        }
      }
    }
    return points;
  }

  private static boolean supports(String system, Workload w) {
    return !system.equals(TransportOnlySystem.NAME) || w == Workload.SMALL_PULL;
  }

  static String describe(Point p) {
    String rate = switch (p.workload().kind()) {
      case DENSE -> String.format(Locale.ROOT, "%.2f GB/s", p.gbPerSec());
      case SPARSE -> String.format(Locale.ROOT, "%.2f M keys/s", p.keysPerSec() / 1e6);
      case SMALL -> String.format(Locale.ROOT, "%.0f ops/s", p.opsPerSec());
    };
    return String.format(Locale.ROOT, "%s, p50 %.1f µs, p99 %.1f µs (%d ops)", rate, p.p50Us(), p.p99Us(), p.ops());
  }

  /** A clean start for each point: the previous point's garbage is not this one's pause. */
  @SuppressWarnings("java:S1215")
  private static void quiesce() {
    System.gc();
  }

  private interface Op {
    void run(int i) throws Exception;
  }

  private static Point measure(Options o, String system, List<BenchSystem.Session> clients, Workload w, int round)
      throws Exception {
    int n = clients.size();
    Op[] ops = new Op[n];
    for (int c = 0; c < n; c++) {
      BenchSystem.Session s = clients.get(c);
      SplittableRandom rnd = new SplittableRandom(o.seed() * 1_000_003 + c * 7919L + w.ordinal());
      BenchTable t = w.table();
      ops[c] = switch (w.kind()) {
        case DENSE -> {
          float[] delta = gradient(o.denseFloats());
          yield w.push() ? i -> s.densePush(t, delta) : i -> s.densePull(t);
        }
        case SPARSE -> {
          long[][] sets = keySets(o, 8, rnd);
          float[] delta = gradient(o.sparseKeys() * o.dim());
          yield w.push() ? i -> s.sparsePush(t, sets[i & 7], delta) : i -> s.sparsePull(t, sets[i & 7]);
        }
        case SMALL -> {
          long[][] one = new long[4096][];
          for (int k = 0; k < one.length; k++) {
            one[k] = new long[] {rnd.nextInt(o.populatedKeys())};
          }
          yield i -> s.sparsePull(t, one[i & 4095]);
        }
      };
    }
    quiesce();
    CyclicBarrier start = new CyclicBarrier(n);
    long warmupNanos = (long) (o.warmupSeconds() * 1e9);
    long measureNanos = (long) (o.measureSeconds() * 1e9);
    long[][] latencies = new long[n][];
    long[] counts = new long[n];
    double[] elapsed = new double[n];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[n];
    for (int c = 0; c < n; c++) {
      int id = c;
      threads[c] = new Thread(() -> {
        try {
          Op op = ops[id];
          start.await(60, TimeUnit.SECONDS);
          long t = System.nanoTime();
          long warmEnd = t + warmupNanos;
          int i = 0;
          while (System.nanoTime() < warmEnd) {
            op.run(i++);
          }
          long begin = System.nanoTime();
          long end = begin + measureNanos;
          long[] lat = new long[1024];
          int k = 0;
          long now = begin;
          while (now < end) {
            long t0 = now;
            op.run(i++);
            now = System.nanoTime();
            if (k == lat.length) {
              lat = Arrays.copyOf(lat, k * 2);
            }
            lat[k++] = now - t0;
          }
          latencies[id] = Arrays.copyOf(lat, k);
          counts[id] = k;
          elapsed[id] = (now - begin) / 1e9;
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          start.reset();
        }
      }, "bench-client-" + c);
      threads[c].setDaemon(true);
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(system + " " + w.id() + " clients=" + n + " failed: " + failure.get(),
          failure.get());
    }
    double opsPerSec = 0;
    long totalOps = 0;
    double seconds = 0;
    for (int c = 0; c < n; c++) {
      opsPerSec += counts[c] / elapsed[c];
      totalOps += counts[c];
      seconds = Math.max(seconds, elapsed[c]);
    }
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    double mean = Arrays.stream(all).average().orElse(0);
    double bytesPerOp = switch (w.kind()) {
      case DENSE -> 4.0 * o.denseFloats();
      case SPARSE -> 4.0 * o.sparseKeys() * o.dim();
      case SMALL -> 4.0 * o.dim();
    };
    int keysPerOp = switch (w.kind()) {
      case DENSE -> 0;
      case SPARSE -> o.sparseKeys();
      case SMALL -> 1;
    };
    return new Point(system, w, n, round + 1, totalOps, seconds, opsPerSec, opsPerSec * bytesPerOp / 1e9,
        opsPerSec * keysPerOp, percentile(all, 0.50) / 1e3, percentile(all, 0.99) / 1e3, mean / 1e3);
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  // ---- summary ----

  /**
   * One comparison: the medians over rounds of spark-ps and the reference for one workload and
   * client count. {@code metric} is GB/s (dense), M keys/s (sparse) or p50 µs (small);
   * {@code ratio} is spark-ps / reference and {@code met} says whether the target holds.
   */
  public record Summary(Workload workload, int clients, String metric, double reference, double sparkPs,
      double ratio, String target, boolean met, double referenceP99Us, double sparkPsP99Us,
      double transportOnly, double psLite, double minimalJavaSeparate) {}

  public static List<Summary> summarize(List<Point> points) {
    List<Summary> out = new ArrayList<>();
    for (Workload w : Workload.values()) {
      List<Integer> clientCounts = points.stream().filter(p -> p.workload() == w).map(Point::clients).distinct()
          .sorted().toList();
      for (int c : clientCounts) {
        double ref = median(points, ReferenceSystem.NAME, w, c, false);
        double ps = median(points, SparkPsSystem.NAME, w, c, false);
        double only = median(points, TransportOnlySystem.NAME, w, c, false);
        double ratio = ps / ref;
        String metric;
        String target;
        boolean met;
        switch (w.kind()) {
          case DENSE -> {
            metric = "GB/s";
            target = ">= 1.0x";
            met = ratio >= 1.0;
          }
          case SPARSE -> {
            metric = "M keys/s";
            target = ">= 2.0x";
            met = ratio >= 2.0;
          }
          default -> {
            metric = "p50 µs";
            target = "<= 2.0x";
            met = ratio <= 2.0;
          }
        }
        double psLite = c == 1 && PS_LITE.containsKey(w) ? PS_LITE.get(w) : Double.NaN;
        double minimal = c == 1 && MINIMAL_JAVA_SEPARATE.containsKey(w) ? MINIMAL_JAVA_SEPARATE.get(w) : Double.NaN;
        out.add(new Summary(w, c, metric, ref, ps, ratio, target, met,
            median(points, ReferenceSystem.NAME, w, c, true), median(points, SparkPsSystem.NAME, w, c, true), only,
            psLite, minimal));
      }
    }
    return out;
  }

  /** Median over rounds of the workload's metric (or of p99 when {@code p99}). NaN if absent. */
  private static double median(List<Point> points, String system, Workload w, int clients, boolean p99) {
    double[] v = points.stream().filter(p -> p.system().equals(system) && p.workload() == w && p.clients() == clients)
        .mapToDouble(p -> p99 ? p.p99Us() : switch (w.kind()) {
          case DENSE -> p.gbPerSec();
          case SPARSE -> p.keysPerSec() / 1e6;
          case SMALL -> p.p50Us();
        }).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  public static void printSummary(List<Summary> summary, PrintStream out) {
    out.println();
    out.println("Transport summary (medians over rounds; ratio = spark-ps / reference; ps-lite measured separately)");
    out.printf("%-20s %7s %-9s %10s %10s %7s %-8s %-4s %10s %10s%n", "workload", "clients", "metric", "reference",
        "spark-ps", "ratio", "target", "met", "ps-lite", "transport");
    for (Summary s : summary) {
      out.printf(Locale.ROOT, "%-20s %7d %-9s %10s %10s %7s %-8s %-4s %10s %10s%n", s.workload().id(), s.clients(),
          s.metric(), fmt(s.reference()), fmt(s.sparkPs()), fmt(s.ratio()) + "x", s.target(),
          Double.isNaN(s.ratio()) ? "-" : s.met() ? "yes" : "NO", fmt(s.psLite()), fmt(s.transportOnly()));
    }
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }

  static void writePoints(List<Point> points, Path file) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      w.println("system,workload,clients,round,ops,seconds,ops_per_s,gb_per_s,keys_per_s,p50_us,p99_us,mean_us");
      for (Point p : points) {
        w.printf(Locale.ROOT, "%s,%s,%d,%d,%d,%.3f,%.1f,%.4f,%.0f,%.2f,%.2f,%.2f%n", p.system(), p.workload().id(),
            p.clients(), p.round(), p.ops(), p.seconds(), p.opsPerSec(), p.gbPerSec(), p.keysPerSec(), p.p50Us(),
            p.p99Us(), p.meanUs());
      }
    }
  }

  static void writeSummary(List<Summary> summary, Path file) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      w.println("workload,clients,metric,reference,spark_ps,ratio,target,met,reference_p99_us,spark_ps_p99_us,"
          + "ps_transport_only,ps_lite_measured_separately,minimal_java_measured_separately");
      for (Summary s : summary) {
        w.printf(Locale.ROOT, "%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s%n", s.workload().id(), s.clients(), s.metric(),
            csv(s.reference()), csv(s.sparkPs()), csv(s.ratio()), s.target(), s.met(), csv(s.referenceP99Us()),
            csv(s.sparkPsP99Us()), csv(s.transportOnly()), csv(s.psLite()), csv(s.minimalJavaSeparate()));
      }
    }
  }

  private static String csv(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  static void require(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
  }
}
