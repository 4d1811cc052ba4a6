package io.sparkps.bench.transport;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The transport run's report: the medians over rounds and the ratios to the reference
 * ({@link #summarize}), the console table ({@link #printSummary}), and the CSVs
 * {@code transport-points.csv} (every raw point) and {@code transport-summary.csv}. Stateless.
 */
public final class TransportReport {

  /** The raw points, one line per point. */
  public static final String POINTS_CSV = "transport-points.csv";
  /** The medians, ratios and targets, one line per workload and client count. */
  public static final String SUMMARY_CSV = "transport-summary.csv";

  /**
   * ps-lite, measured separately on this machine kind (2026-12-06, its public ZPush/ZPull API, keys
   * drawn at random per request as ours are): 1 server, 1 client, the middle of the measured ranges.
   */
  static final Map<Workload, Double> PS_LITE = Map.of(
      Workload.DENSE_PULL, 2.05, Workload.DENSE_PUSH_SUM, 1.98,
      Workload.SPARSE_PULL, 6.2, Workload.SPARSE_PUSH_SUM, 5.0);
  /** The minimal Java server of BENCHMARKS.md, measured separately (a sanity check of ours). */
  static final Map<Workload, Double> MINIMAL_JAVA_SEPARATE = Map.of(
      Workload.DENSE_PULL, 1.27, Workload.DENSE_PUSH_SUM, 1.81,
      Workload.SPARSE_PULL, 4.2, Workload.SPARSE_PUSH_SUM, 3.3);

  private TransportReport() {}

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
            double bound = c == 1 ? 2.0 : 1.5;  // more clients share the same two cores
            target = String.format(Locale.ROOT, ">= %.1fx", bound);
            met = ratio >= bound;
          }
          default -> {
            metric = "p50 µs";
            double bound = c == 1 ? 1.5 : 2.0;
            target = String.format(Locale.ROOT, "<= %.1fx", bound);
            met = ratio <= bound;
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

  public static void writePoints(List<Point> points, Path file) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      w.println("system,workload,clients,round,ops,seconds,ops_per_s,gb_per_s,keys_per_s,p50_us,p99_us,mean_us");
      for (Point p : points) {
        w.printf(Locale.ROOT, "%s,%s,%d,%d,%d,%.3f,%.1f,%.4f,%.0f,%.2f,%.2f,%.2f%n", p.system(), p.workload().id(),
            p.clients(), p.round(), p.ops(), p.seconds(), p.opsPerSec(), p.gbPerSec(), p.keysPerSec(), p.p50Us(),
            p.p99Us(), p.meanUs());
      }
    }
  }

  public static void writeSummary(List<Summary> summary, Path file) throws IOException {
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
}
