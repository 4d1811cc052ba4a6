package io.sparkps.bench.transport;

import java.util.Locale;

/** One measured point: one system, workload, client count and round (1-based). Immutable. */
public record Point(String system, Workload workload, int clients, int round, long ops, double seconds,
    double opsPerSec, double gbPerSec, double keysPerSec, double p50Us, double p99Us, double meanUs) {

  /** The point as the progress line shows it: the workload's rate, p50, p99 and the operation count. */
  public String describe() {
    String rate = switch (workload.kind()) {
      case DENSE -> String.format(Locale.ROOT, "%.2f GB/s", gbPerSec);
      case SPARSE -> String.format(Locale.ROOT, "%.2f M keys/s", keysPerSec / 1e6);
      case SMALL -> String.format(Locale.ROOT, "%.0f ops/s", opsPerSec);
    };
    return String.format(Locale.ROOT, "%s, p50 %.1f µs, p99 %.1f µs (%d ops)", rate, p50Us, p99Us, ops);
  }
}
