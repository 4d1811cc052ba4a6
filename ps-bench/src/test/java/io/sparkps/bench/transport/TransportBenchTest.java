package io.sparkps.bench.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the transport driver at a tiny size, so it does not rot: every workload produces
 * a point for every system and client count, and the benchmark's own correctness checks pass
 * (the reference and spark-ps return the loaded data and the same data after pushes). No timing
 * assertions.
 */
class TransportBenchTest {

  @Test
  void tinyRunCoversEveryWorkloadAndBothSystemsAgree(@TempDir Path dir) throws Exception {
    TransportOptions o = TransportOptions.parse("--dense-floats=4096", "--dim=16", "--keys=2000",
        "--sparse-keys=100", "--clients=1,2", "--warmup=0", "--seconds=0.02", "--rounds=1");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TransportHarness.Result r = TransportHarness.run(o, new PrintStream(log, true, StandardCharsets.UTF_8));

    assertTrue(r.verification().passed(), () -> "benchmark self-check failed: " + r.verification().failures());
    assertTrue(r.verification().checks().size() >= 8, () -> "checks: " + r.verification().checks());

    for (Workload w : Workload.values()) {
      for (int clients : new int[] {1, 2}) {
        Set<String> systems = r.points().stream().filter(p -> p.workload() == w && p.clients() == clients)
            .map(Point::system).collect(Collectors.toSet());
        Set<String> expected = w == Workload.SMALL_PULL
            ? Set.of(ReferenceSystem.NAME, SparkPsSystem.NAME, TransportOnlySystem.NAME)
            : Set.of(ReferenceSystem.NAME, SparkPsSystem.NAME);
        assertEquals(expected, systems, () -> w.id() + " clients=" + clients);
      }
    }
    assertTrue(r.points().stream().allMatch(p -> p.ops() > 0), () -> "a point without operations: " + r.points());

    List<TransportReport.Summary> summary = TransportReport.summarize(r.points());
    assertEquals(Workload.values().length * 2, summary.size());
    TransportReport.writePoints(r.points(), dir.resolve("points.csv"));
    TransportReport.writeSummary(summary, dir.resolve("summary.csv"));
    assertEquals(r.points().size() + 1, Files.readAllLines(dir.resolve("points.csv")).size());
    assertEquals(summary.size() + 1, Files.readAllLines(dir.resolve("summary.csv")).size());
  }

  @Test
  void aBadOptionExitsWithTwoAndOneClearLine(@TempDir Path dir) throws Exception {
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), TransportBench.class.getName(), "--seconds=1", "--rounds=zero")
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "TransportBench did not exit");
    assertEquals(2, p.exitValue());
    assertEquals(List.of("TransportBench: not a number: --rounds=zero"), Files.readAllLines(err));
    assertEquals(List.of(), Files.readAllLines(dir.resolve("out.txt")));
  }
}
