package io.sparkps.bench.transport;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TlsConfig;
import io.sparkps.core.config.TlsIdentity;
import io.sparkps.core.security.SelfSignedCertificates;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the transport workloads: starts and loads the selected systems in this JVM, runs the
 * {@link Verification}, then measures every (round, workload, client count, system) point, one
 * system at a time, alternating which goes first from round to round. Reporting is
 * {@link TransportReport}'s job. One run at a time; each point's clients run on threads of their own.
 */
public final class TransportHarness {

  /** Everything one run produced. */
  public record Result(TransportOptions options, Verification verification, List<Point> points) {}

  private TransportHarness() {}

  /** spark-ps's config: with TLS, one self-signed certificate pinned by the clients; in-process connections if asked. */
  private static PsConfig config(TransportOptions o) throws java.security.GeneralSecurityException {
    PsConfig.Builder b = PsConfig.builder().inProcessConnections(o.inProcess());
    if (o.tls()) {
      TlsIdentity identity = SelfSignedCertificates.create("spark-ps transport bench",
          java.time.Clock.systemUTC().instant().minus(java.time.Duration.ofHours(1)), java.time.Duration.ofDays(1));
      b.tls(TlsConfig.builder().identity(identity).trust(identity.certificate()).build());
    }
    return b.build();
  }

  /** Starts the selected systems, loads them, verifies, measures every point, and stops them. */
  public static Result run(TransportOptions o, PrintStream log) throws Exception {
    log.printf(Locale.ROOT, "transport benchmark: %d cores, JDK %s, max heap %d MiB; dense row %d floats, "
            + "%d populated keys x dim %d, %d keys per sparse op; clients %s; %.1f s warm-up + %.1f s per point, "
            + "%d round(s); spark-ps servers: %d; TLS %s; in-process connections %s; everything in one JVM%n",
        Runtime.getRuntime().availableProcessors(), Runtime.version(), Runtime.getRuntime().maxMemory() >> 20,
        o.denseFloats(), o.populatedKeys(), o.dim(), o.sparseKeys(), Arrays.toString(o.clients()),
        o.warmupSeconds(), o.measureSeconds(), o.rounds(), o.servers(), o.tls() ? "on" : "off", o.inProcess() ? "on" : "off");
    BenchData data = BenchData.load(o);
    PsConfig config = config(o);
    List<BenchSystem> systems = new ArrayList<>();
    Map<String, List<BenchSystem.Session>> sessions = new LinkedHashMap<>();
    try {
      for (String name : o.systems()) {
        long t0 = System.nanoTime();
        BenchSystem s = switch (name) {
          case ReferenceSystem.NAME -> new ReferenceSystem(o.denseFloats(), o.dim(), o.populatedKeys());
          case SparkPsSystem.NAME -> new SparkPsSystem(config, o.denseFloats(), o.dim(), o.servers());
          case SparkPsSystem.NAME_INTO -> new SparkPsSystem(config, o.denseFloats(), o.dim(), o.servers(), true);
          default -> new TransportOnlySystem(config, o.dim());
        };
        systems.add(s);
        s.load(data.dense, data.keys, data.values);
        List<BenchSystem.Session> list = new ArrayList<>();
        for (int c = 0; c < o.maxClients(); c++) {
          list.add(s.openSession());
        }
        sessions.put(name, list);
        log.printf(Locale.ROOT, "started and loaded %s in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
      }
      Verification verification = Verification.run(o, sessions, data);
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

  /** Whether {@code system} runs workload {@code w} (ps-transport-only runs small-pull only). */
  static boolean supports(String system, Workload w) {
    return !system.equals(TransportOnlySystem.NAME) || w == Workload.SMALL_PULL;
  }

  private static List<Point> measureAll(TransportOptions o, Map<String, List<BenchSystem.Session>> sessions,
      PrintStream log) throws Exception {
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
            Collections.reverse(order);
          }
          for (String name : order) {
            if (!supports(name, w)) {
              continue;
            }
            Point p = measure(o, name, sessions.get(name).subList(0, clients), w, round);
            points.add(p);
            done++;
            log.printf(Locale.ROOT, "[%d/%d] round %d %-18s %-20s clients=%d: %s%n", done, total, round + 1, name,
                w.id(), clients, p.describe());
          }
        }
      }
    }
    return points;
  }

  /** A clean start for each point: the previous point's garbage is not this one's pause. */
  @SuppressWarnings("java:S1215")
  private static void quiesce() {
    System.gc();
  }

  private interface Op {
    void run(int i) throws Exception;
  }

  /** The operation client {@code c} repeats for workload {@code w}, on its own pre-drawn data. */
  private static Op op(TransportOptions o, BenchSystem.Session s, int c, Workload w) {
    SplittableRandom rnd = new SplittableRandom(o.seed() * 1_000_003 + c * 7919L + w.ordinal());
    BenchTable t = w.table();
    return switch (w.kind()) {
      case DENSE -> {
        float[] delta = BenchData.gradient(o.denseFloats());
        yield w.push() ? i -> s.densePush(t, delta) : i -> s.densePull(t);
      }
      case SPARSE -> {
        long[][] sets = BenchData.keySets(o, 8, rnd);
        float[] delta = BenchData.gradient(o.sparseKeys() * o.dim());
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

  private static Point measure(TransportOptions o, String system, List<BenchSystem.Session> clients, Workload w,
      int round) throws Exception {
    int n = clients.size();
    Op[] ops = new Op[n];
    for (int c = 0; c < n; c++) {
      ops[c] = op(o, clients.get(c), c, w);
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
}
