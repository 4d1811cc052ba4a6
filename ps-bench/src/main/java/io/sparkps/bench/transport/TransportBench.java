package io.sparkps.bench.transport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The transport benchmark's entry point ({@code scripts/bench transport [--seconds=S] [--rounds=R] ...},
 * options in {@link TransportOptions}): the same workloads against the minimal blocking-socket
 * reference server ({@link ReferenceServer}) and spark-ps, in one run, in this JVM
 * ({@link TransportHarness}, which first checks the benchmark itself: {@link Verification}), then the
 * tables and CSVs ({@link TransportReport}). Exits with 2 on a bad option and 1 when the
 * self-check failed. Single-threaded apart from the harness's client threads.
 */
public final class TransportBench {

  private TransportBench() {}

  public static void main(String[] args) throws Exception {
    TransportOptions options;
    try {
      options = TransportOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("TransportBench: " + e.getMessage());
      System.exit(2);
      return;
    }
    TransportHarness.Result result = TransportHarness.run(options, System.out);
    List<TransportReport.Summary> summary = TransportReport.summarize(result.points());
    TransportReport.printSummary(summary, System.out);
    Path out = options.outDir();
    if (out != null) {
      Files.createDirectories(out);
      TransportReport.writePoints(result.points(), out.resolve(TransportReport.POINTS_CSV));
      TransportReport.writeSummary(summary, out.resolve(TransportReport.SUMMARY_CSV));
      System.out.println("wrote " + out.resolve(TransportReport.POINTS_CSV) + " and " + TransportReport.SUMMARY_CSV);
    }
    if (!result.verification().passed()) {
      System.err.println("VERIFICATION FAILED: " + result.verification().failures());
      System.exit(1);
    }
  }
}
