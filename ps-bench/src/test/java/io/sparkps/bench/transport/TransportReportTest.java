package io.sparkps.bench.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TransportReport} on hand-made points: the medians, the ratio, and the CSV columns that
 * {@code Plots}, {@code scripts/bench}'s summary and docs/benchmarks.md read.
 */
class TransportReportTest {

  private static Point point(String system, Workload w, int round, double gbPerSec) {
    return new Point(system, w, 1, round, 100, 1.0, 100.0, gbPerSec, 0, 10.0, 20.0, 12.5);
  }

  @Test
  void summaryIsTheMedianOverRoundsAndTheCsvColumnsAreStable(@TempDir Path dir) throws Exception {
    List<Point> points = List.of(point("reference", Workload.DENSE_PULL, 1, 1.0),
        point("reference", Workload.DENSE_PULL, 2, 3.0), point("spark-ps", Workload.DENSE_PULL, 1, 1.0),
        point("spark-ps", Workload.DENSE_PULL, 2, 1.0), point("spark-ps", Workload.DENSE_PULL, 3, 4.0));
    List<TransportReport.Summary> summary = TransportReport.summarize(points);
    assertEquals(1, summary.size());
    TransportReport.Summary s = summary.get(0);
    assertEquals(2.0, s.reference());
    assertEquals(1.0, s.sparkPs());
    assertEquals(0.5, s.ratio());
    assertEquals(false, s.met());
    assertEquals(2.05, s.psLite());

    TransportReport.writePoints(points, dir.resolve(TransportReport.POINTS_CSV));
    TransportReport.writeSummary(summary, dir.resolve(TransportReport.SUMMARY_CSV));
    List<String> pointLines = Files.readAllLines(dir.resolve("transport-points.csv"));
    assertEquals("system,workload,clients,round,ops,seconds,ops_per_s,gb_per_s,keys_per_s,p50_us,p99_us,mean_us",
        pointLines.get(0));
    assertEquals("reference,dense-pull,1,1,100,1.000,100.0,1.0000,0,10.00,20.00,12.50", pointLines.get(1));
    List<String> summaryLines = Files.readAllLines(dir.resolve("transport-summary.csv"));
    assertEquals("workload,clients,metric,reference,spark_ps,ratio,target,met,reference_p99_us,spark_ps_p99_us,"
        + "ps_transport_only,ps_lite_measured_separately,minimal_java_measured_separately", summaryLines.get(0));
    assertEquals("dense-pull,1,GB/s,2.0000,1.0000,0.5000,>= 1.0x,false,20.0000,20.0000,,2.0500,1.2700",
        summaryLines.get(1));
  }

  @Test
  void sparseAndSingleKeyTargetsDependOnTheClients() {
    List<Point> points = List.of(
        new Point("reference", Workload.SPARSE_PULL, 1, 1, 100, 1.0, 100.0, 0, 1e6, 10.0, 20.0, 12.5),
        new Point("spark-ps", Workload.SPARSE_PULL, 1, 1, 100, 1.0, 100.0, 0, 1.8e6, 10.0, 20.0, 12.5),
        new Point("reference", Workload.SPARSE_PULL, 4, 1, 100, 1.0, 100.0, 0, 1e6, 10.0, 20.0, 12.5),
        new Point("spark-ps", Workload.SPARSE_PULL, 4, 1, 100, 1.0, 100.0, 0, 1.8e6, 10.0, 20.0, 12.5),
        new Point("reference", Workload.SMALL_PULL, 1, 1, 100, 1.0, 100.0, 0, 0, 10.0, 20.0, 12.5),
        new Point("spark-ps", Workload.SMALL_PULL, 1, 1, 100, 1.0, 100.0, 0, 0, 18.0, 20.0, 12.5),
        new Point("reference", Workload.SMALL_PULL, 4, 1, 100, 1.0, 100.0, 0, 0, 10.0, 20.0, 12.5),
        new Point("spark-ps", Workload.SMALL_PULL, 4, 1, 100, 1.0, 100.0, 0, 0, 18.0, 20.0, 12.5));
    List<String> got = TransportReport.summarize(points).stream()
        .map(s -> s.workload().id() + "/" + s.clients() + " " + s.target() + " " + s.met()).toList();
    assertEquals(List.of("sparse-pull/1 >= 2.0x false", "sparse-pull/4 >= 1.5x true",
        "small-pull/1 <= 1.5x false", "small-pull/4 <= 2.0x true"), got);
  }
}
