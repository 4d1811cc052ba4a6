package io.sparkps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/bench} stops with a non-zero exit and names the step when a step fails: a JMH run
 * that crashes or reports a failed benchmark, a Java step's non-zero exit, a missing result file,
 * a failed build. The script runs with stand-ins for {@code mvn} and {@code java} (on PATH and
 * JAVA_HOME) whose failures the test chooses through environment variables, so nothing is built
 * or measured.
 */
class BenchScriptTest {

  /** Stand-in for java: STUB_FAIL names the main class (or "jmh") that exits with STUB_STATUS (default 1). */
  private static final String JAVA_STUB = """
      #!/usr/bin/env bash
      main=""
      for a in "$@"; do
        case "$a" in
          io.sparkps.*) main=${a##*.}; break ;;
          -jar|org.openjdk.jmh.Main) main=jmh; break ;;
        esac
      done
      echo "stub java: $main"
      if [[ ${STUB_FAIL:-} == "$main" ]]; then echo "stub $main crashed" >&2; exit "${STUB_STATUS:-1}"; fi
      if [[ $main == jmh ]]; then
        if [[ ${STUB_JMH:-} == failure ]]; then echo "<failure>"; echo "java.lang.IllegalStateException: boom"; exit 0; fi
        prev=""
        for a in "$@"; do
          if [[ $prev == -rff && ${STUB_JMH:-} != nocsv ]]; then
            echo '"Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"' > "$a"
            echo '"io.sparkps.bench.jmh.CodecBench.encode","thrpt",1,3,100.0,1.0,"ops/s"' >> "$a"
          fi
          prev=$a
        done
        echo "CodecBench.encode thrpt 3 100.0 ops/s"
      fi
      if [[ $main == TransportBench && ${STUB_TRANSPORT:-} != nocsv ]]; then
        for a in "$@"; do
          case "$a" in --out=*) out=${a#--out=} ;; esac
        done
        for f in transport-points.csv transport-summary.csv; do echo header > "$out/$f"; echo row >> "$out/$f"; done
      fi
      exit 0
      """;

  private static final String MVN_STUB = """
      #!/usr/bin/env bash
      echo "stub mvn $*"
      [[ ${STUB_FAIL:-} != mvn ]]
      """;

  @TempDir
  Path dir;

  private Path root;

  @BeforeEach
  void stubs() throws IOException {
    root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("scripts/bench"))) {
      root = root.getParent();
      assertTrue(root != null, "scripts/bench not found above the working directory");
    }
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (Map.Entry<String, String> e : Map.of("java", JAVA_STUB, "mvn", MVN_STUB).entrySet()) {
      Path f = bin.resolve(e.getKey());
      Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private record Run(int exit, String out, String err) {}

  private Run bench(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/bench").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    pb.environment().put("JAVA_HOME", dir.toString());
    pb.environment().put("BENCH_OUT", dir.resolve("results").toString());
    pb.environment().put("BENCH_LOCK", dir.resolve("lock").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("scripts/bench did not finish in 60 s: " + command);
    }
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
  }

  private static void assertFailed(Run r, String message) {
    assertEquals(1, r.exit(), () -> "exit status; stdout:\n" + r.out() + "\nstderr:\n" + r.err());
    assertTrue(r.err().contains(message), () -> "expected on stderr: " + message + "\nstderr:\n" + r.err());
    assertFalse(r.out().contains("summary ("), () -> "later steps ran:\n" + r.out());
  }

  @Test
  void allStepsPassingExitsZero() throws Exception {
    Run r = bench(Map.of(), "jmh");
    assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
    assertTrue(r.out().contains("==> [4/4] summary"), r.out());
    assertTrue(r.out().contains("CodecBench.encode"), r.out());
  }

  @Test
  void aCrashedJmhRunFailsNamingTheStep() throws Exception {
    assertFailed(bench(Map.of("STUB_FAIL", "jmh"), "jmh"),
        "scripts/bench: step [2/4] JMH micro benchmarks failed: JMH exited with status 1");
  }

  @Test
  void aJmhRunReportingAFailedBenchmarkFails() throws Exception {
    assertFailed(bench(Map.of("STUB_JMH", "failure"), "jmh"),
        "scripts/bench: step [2/4] JMH micro benchmarks failed: JMH reported a failure: <failure>");
  }

  @Test
  void aJmhRunWithoutItsResultFileFails() throws Exception {
    assertFailed(bench(Map.of("STUB_JMH", "nocsv"), "jmh"), "scripts/bench: step [2/4] JMH micro benchmarks failed: "
        + "result file missing: " + dir.resolve("results/jmh.csv"));
  }

  @Test
  void aJavaStepsNonZeroExitFailsNamingTheStep() throws Exception {
    Run r = bench(Map.of("STUB_FAIL", "TransportBench", "STUB_STATUS", "2"), "transport", "--bogus=1");
    assertFailed(r, "scripts/bench: step [2/4] transport: reference vs spark-ps vs ps-transport-only failed: "
        + "TransportBench exited with status 2");
    assertTrue(r.err().contains("stub TransportBench crashed"), r.err());
  }

  @Test
  void aTransportRunWithoutItsCsvFails() throws Exception {
    assertFailed(bench(Map.of("STUB_TRANSPORT", "nocsv"), "transport"),
        "failed: result file missing: " + dir.resolve("results/transport-points.csv"));
  }

  @Test
  void aFailedPlotOrBuildFailsNamingTheStep() throws Exception {
    assertFailed(bench(Map.of("STUB_FAIL", "Plots"), "jmh"), "step [3/4] plots failed: Plots exited with status 1");
    assertFailed(bench(Map.of("STUB_FAIL", "mvn"), "jmh"),
        "step [1/4] build ps-bench, benchmarks.jar and the end-to-end classpath failed: mvn exited with status 1");
  }

  @Test
  void aStreamRunThatFailsOrLeavesNoResultsFailsNamingTheStep() throws Exception {
    String step =
        "scripts/bench: step [2/2] stream: PsStreamingTrainer over parquet files, baselines, restart failed: ";
    // The step runs on the classpath file the real build writes; without one it fails for that instead.
    boolean built = Files.exists(root.resolve("ps-bench/target/classpath.txt"));
    Run crashed = bench(Map.of("STUB_FAIL", "StreamBench", "STUB_STATUS", "2"), "stream", "--size=tiny");
    assertFailed(crashed,
        step + (built ? "StreamBench exited with status 2" : "ps-bench/target/classpath.txt missing"));
    if (built) {
      assertTrue(crashed.out().contains("stub java: StreamBench"), crashed.out());
      assertFailed(bench(Map.of(), "stream"), step + "result file missing: "
          + dir.resolve("results/stream/stream-summary.csv"));
    }
  }
}
