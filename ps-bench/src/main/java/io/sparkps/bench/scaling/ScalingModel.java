package io.sparkps.bench.scaling;

import java.util.List;
import java.util.Locale;

/**
 * The cost model of {@code docs/scaling.md}, its constants fitted to one run: CPU per key and per
 * frame on the servers ({@code srvKey}, {@code srvFrame}) and on the workers ({@code wrkKey}, {@code
 * wrkFrame}, the gradient included), and scheduler CPU per {@code clock()} ({@code clock}). Keys and
 * frames count both directions: a batch pulls and pushes its n keys, in F frames each way.
 *
 * @param cores cores every process of the run shares (this machine: all of them)
 */
record ScalingModel(double srvKey, double srvFrame, double wrkKey, double wrkFrame, double clock, int cores) {

  /**
   * Least squares: server CPU = srvKey x keys + srvFrame x frames, the same for workers. Fitted on
   * the points with the fewest servers when their frames differ (lanes varied): more server JVMs on
   * the same cores add CPU of their own (event loops, GC, JIT, context switches) that would
   * otherwise be charged to frames. Otherwise on every point.
   */
  static ScalingModel fit(List<ScalingPoint> points) {
    int fewest = points.stream().mapToInt(ScalingPoint::servers).min().orElse(1);
    List<ScalingPoint> fixed = points.stream().filter(p -> p.servers() == fewest).toList();
    List<ScalingPoint> basis = fixed.stream().mapToDouble(ScalingPoint::framesPerBatch).distinct().count() > 1
        ? fixed : points;
    double[] srv = fit2(basis, true);
    double[] wrk = fit2(basis, false);
    // The median per epoch: the first configuration's driver JVM still compiles the scheduler's code.
    double[] perClock = points.stream().mapToDouble(p -> p.schedulerCpu() / p.batches()).sorted().toArray();
    double clock = perClock.length == 0 ? 0 : perClock[perClock.length / 2];
    return new ScalingModel(srv[0], srv[1], wrk[0], wrk[1], clock, Runtime.getRuntime().availableProcessors());
  }

  static double keys(ScalingPoint p) {
    return 2 * p.keysPerBatch() * p.batches();
  }

  static double frames(ScalingPoint p) {
    return 2 * p.framesPerBatch() * p.batches();
  }

  double serverCpu(ScalingPoint p) {
    return srvKey * keys(p) + srvFrame * frames(p);
  }

  double workerCpu(ScalingPoint p) {
    return wrkKey * keys(p) + wrkFrame * frames(p);
  }

  /** This machine: every process shares {@link #cores}, so an epoch takes its CPU divided by them. */
  double epochSeconds(ScalingPoint p) {
    return (serverCpu(p) + workerCpu(p) + clock * p.batches()) / cores;
  }

  /** Payload bytes of a batch: keys of the pull and the push, values of the reply and the push (d = 1). */
  static double payloadBytesPerBatch(ScalingPoint p) {
    return p.keysPerBatch() * (8 + 4 + 8 + 4);
  }

  String report(List<ScalingPoint> points) {
    StringBuilder b = new StringBuilder();
    int fewest = points.stream().mapToInt(ScalingPoint::servers).min().orElse(1);
    boolean fixed = points.stream().filter(p -> p.servers() == fewest).mapToDouble(ScalingPoint::framesPerBatch)
        .distinct().count() > 1;
    b.append(String.format(Locale.ROOT, "Fitted on this run (%d cores shared by every JVM), on %s:%n%n", cores,
        fixed ? "the epochs with S = " + fewest + " (frames varied by lanes)" : "every epoch"));
    b.append("| constant | value |\n|---|---|\n");
    b.append(row("server CPU per key (c_k)", srvKey * 1e9, "ns"));
    b.append(row("server CPU per frame (c_f)", srvFrame * 1e6, "µs"));
    b.append(row("worker CPU per key, gradient included (w_k)", wrkKey * 1e9, "ns"));
    b.append(row("worker CPU per frame (w_f)", wrkFrame * 1e6, "µs"));
    b.append(row("scheduler CPU per clock (c_c)", clock * 1e6, "µs"));
    b.append("\n| S | W | L | mode | batches | n | F | epoch s | CPU/cores s | model s | model/measured | clock ms/batch"
        + " | loopback bytes/batch (payload) | keys max/mean | server CPU s (each) |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ScalingPoint p : points) {
      double measuredCpu = p.serverCpu() + p.workerCpu() + p.schedulerCpu();
      double model = epochSeconds(p);
      StringBuilder each = new StringBuilder();
      for (double c : p.serverCpuEach()) {
        each.append(each.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", c));
      }
      b.append(String.format(Locale.ROOT,
          "| %d | %d | %d | %s | %d | %.0f | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f (%.0f) | %.3f | %s |%n",
          p.servers(), p.workers(), p.lanes(), p.mode(), p.batches(), p.keysPerBatch(), p.framesPerBatch(), p.epochSeconds(),
          measuredCpu / cores, model, model / p.epochSeconds(), p.clockMs(),
          p.loopbackBytes() / (double) p.batches(), payloadBytesPerBatch(p), p.keyImbalance(), each));
    }
    b.append('\n').append(Extrapolation.cluster(points).report(this));
    return b.toString();
  }

  private static String row(String name, double value, String unit) {
    return String.format(Locale.ROOT, "| %s | %.1f %s |%n", name, value, unit);
  }

  /** Least squares y = a x1 + b x2 (no intercept) over the points' server or worker CPU. */
  private static double[] fit2(List<ScalingPoint> points, boolean server) {
    double s11 = 0;
    double s12 = 0;
    double s22 = 0;
    double s1y = 0;
    double s2y = 0;
    for (ScalingPoint p : points) {
      double x1 = keys(p);
      double x2 = frames(p);
      double y = server ? p.serverCpu() : p.workerCpu();
      s11 += x1 * x1;
      s12 += x1 * x2;
      s22 += x2 * x2;
      s1y += x1 * y;
      s2y += x2 * y;
    }
    double det = s11 * s22 - s12 * s12;
    if (Math.abs(det) < 1e-12 * s11 * s22) {
      // One configuration only (frames proportional to keys): all of the CPU goes to the key term.
      return new double[] {s1y / s11, 0};
    }
    return new double[] {(s1y * s22 - s2y * s12) / det, (s11 * s2y - s12 * s1y) / det};
  }
}
