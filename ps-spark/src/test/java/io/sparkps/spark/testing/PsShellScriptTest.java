package io.sparkps.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/ps-shell -i file.scala} runs a Scala script in the REPL with {@code spark} bound,
 * exits by itself, and fails (exit status 1) when the script does not compile or throws; the Scala
 * snippets of the docs run in it as written.
 *
 * <p>A REPL and its SparkSession take about 12 s to start, so every script that must pass runs in
 * one shell ({@link #passingRun}): each part (the count script, the two example snippets, the
 * docs' blocks) is a list of {@code -i} inputs preceded by an input that prints the part's marker.
 * Each test checks the output between its part's marker and the next one (no error or uncaught
 * exception there, its figures), then the exit status of the whole run. The parts use distinct
 * table and run names, and a later part only redefines (shadows) names of earlier ones. A script
 * that must fail runs in a shell of its own: the exit status is all it proves, and a second failing
 * or passing script in the same run would decide it too.
 */
class PsShellScriptTest {

  /** Per shell start and per part: a REPL start took about 12 s, the longest part about 20 s. */
  private static final long TIMEOUT_SECONDS = 90;

  /** What each part's marker input prints (the input builds the text, so its source does not). */
  private static final String MARKER = "ps-shell-test part: ";

  /** What ps-shell takes for a compile error or an uncaught exception (see its last lines). */
  private static final Pattern FAILURE =
      Pattern.compile("(?m)^[^ \\n]+\\.scala:[0-9]+: error:|^  \\.\\.\\. [0-9]+ elided$");

  @TempDir static Path dir;

  private static Result passing;
  private static AssertionError passingFailed;

  @Test
  void runsAScriptWithSparkBoundAndExits() throws Exception {
    String out = passingPart("count");
    assertEquals(0, passingRun().exitCode, passingRun().output);
    assertTrue(out.contains("ps-shell-test count=10"), out);
    assertTrue(out.contains("ps-shell-test sum=100"), out);
  }

  @Test
  void theExampleSnippetTrainsAModelWithThePsBound() throws Exception {
    String out = passingPart("train-lr");
    assertEquals(0, passingRun().exitCode, passingRun().output);
    Matcher m = Pattern.compile("ps-shell-lr logloss=([0-9.]+) auc=([0-9.]+) weights=([0-9]+)").matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Double.parseDouble(m.group(1)) < 0.6, "held-out logloss " + m.group(1));
    assertTrue(Double.parseDouble(m.group(2)) > 0.75, "held-out AUC " + m.group(2));
    assertTrue(Long.parseLong(m.group(3)) > 1000, "weights on the servers: " + m.group(3));
  }

  @Test
  void thePipelineSnippetFitsEvaluatesSavesAndLoads() throws Exception {
    String out = passingPart("pipeline-lr");
    assertEquals(0, passingRun().exitCode, passingRun().output);
    Matcher m = Pattern.compile("ps-shell-pipeline auc=([0-9.]+) reloaded=([0-9.]+)").matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Double.parseDouble(m.group(1)) > 0.7, "held-out AUC " + m.group(1));
    assertEquals(m.group(1), m.group(2), "the reloaded pipeline scores the same");
  }

  /**
   * In a shell of its own: the exit status 1 must come from this script, and it would come from
   * any failing script of the same run.
   */
  @Test
  void failsWhenTheScriptDoesNotCompile() throws Exception {
    Path script = Files.writeString(dir.resolve("broken.scala"), "val n: Int = \"not a number\"\n");
    Result result = runShell(List.of(script), TIMEOUT_SECONDS);
    assertEquals(1, result.exitCode, result.output);
    assertTrue(result.output.contains("error: type mismatch"), result.output);
  }

  /** In a shell of its own, as {@link #failsWhenTheScriptDoesNotCompile}. */
  @Test
  void failsWhenTheScriptThrows() throws Exception {
    Path script = Files.writeString(dir.resolve("throws.scala"),
        "throw new IllegalStateException(\"ps-shell-test \" + \"uncaught\")\n");
    Result result = runShell(List.of(script), TIMEOUT_SECONDS);
    assertEquals(1, result.exitCode, result.output);
    assertTrue(result.output.contains("java.lang.IllegalStateException: ps-shell-test uncaught"), result.output);
  }

  /**
   * The {@code ```scala} blocks of docs/spark.md, then of docs/running.md, in order, each its own
   * {@code -i} file: each block is one REPL unit, as when pasted, so a closure in one block reaches
   * values of earlier blocks through their line objects, as typed lines do (a closure using a value
   * of its own block would not show a non-transient {@code ps}). Blocks tagged
   * {@code ```scala no-run} are not run.
   */
  @Test
  void theScalaSnippetsOfTheDocsRunInTheShellAsWritten() throws Exception {
    String out = passingPart("docs");
    assertEquals(0, passingRun().exitCode, passingRun().output);
    String preamble = passingRun().output.substring(0, passingRun().output.indexOf(MARKER));
    assertTrue(preamble.contains("ps-shell: `ps` is bound"), preamble);
    assertFalse(out.contains("not found: value ps"), out);
    // spark.md: a handle made on the driver, captured in a closure of a later block, pulls in tasks
    assertTrue(out.contains("pulled on the executors: 1.0, 2.0, 3.0"), out);
    // spark.md: the Scala training form; 2 workers x 500 rows x 10 clocks into a sum table
    assertTrue(out.contains("run sums: FINISHED, sums 5000.0, 5000.0"), out);
    // spark.md: a closure over a non-serialisable object names it, not Spark's debugger's module error
    assertTrue(Pattern.compile(
        "Task not serializable, caused by java\\.io\\.NotSerializableException: \\S*\\$Tally\\R"
            + "Serialization stack:").matcher(out).find(), out);
    assertFalse(out.contains("IllegalAccessException") || out.contains("GetBooleanAction"), out);
    // running.md: a handle pushing from a closure
    assertTrue(out.contains("hits: 3.0, 3.0"), out);
  }

  /**
   * The {@code ```scala} blocks of docs/streaming.md, as {@link
   * #theScalaSnippetsOfTheDocsRunInTheShellAsWritten} runs the other docs' blocks: four parquet
   * files of 9,000 training rows each streamed into the model, a snapshot that learned, and a
   * live model scoring a stream of the held-out rows as the snapshot does.
   */
  @Test
  void theStreamingSnippetsTrainFromAStreamAndScoreWithTheLiveModel() throws Exception {
    String out = passingPart("streaming");
    assertEquals(0, passingRun().exitCode, passingRun().output);
    Matcher m = Pattern.compile("ps-stream rows=([0-9]+) batches=([0-9]+) snapshot logloss=([0-9.]+) "
        + "auc=([0-9.]+)").matcher(out);
    assertTrue(m.find(), out);
    assertEquals(36_000, Long.parseLong(m.group(1)), "every training row trained once");
    assertEquals(4, Integer.parseInt(m.group(2)), "one micro-batch per file");
    assertTrue(Double.parseDouble(m.group(3)) < 0.65, "held-out logloss " + m.group(3));
    assertTrue(Double.parseDouble(m.group(4)) > 0.65, "held-out AUC " + m.group(4));
    Matcher live = Pattern.compile("ps-stream live rows=([0-9]+) logloss=([0-9.]+)").matcher(out);
    assertTrue(live.find(), out);
    assertEquals(4_000, Long.parseLong(live.group(1)), "the scoring stream scored every held-out row");
    assertEquals(m.group(3), live.group(2), "nothing trains after the stream: the live model scores as the snapshot");
  }

  /**
   * The output of one part of {@link #passingRun}, from its marker to the next marker, after
   * checking that the part ran and printed no compile error or uncaught exception.
   */
  private static String passingPart(String name) throws Exception {
    String all = passingRun().output;
    int from = all.indexOf(MARKER + name + "\n");
    assertTrue(from >= 0, "the part " + name + " did not start:\n" + all);
    int to = all.indexOf(MARKER, from + MARKER.length());
    String out = all.substring(from, to < 0 ? all.length() : to);
    assertFalse(FAILURE.matcher(out).find(), "the part " + name + " failed:\n" + out);
    return out;
  }

  /**
   * One shell running every script that must pass, part after part, each part after an input
   * that prints its marker; a last marker closes the last part. Started by the first test that
   * needs it.
   */
  private static synchronized Result passingRun() throws Exception {
    if (passingFailed != null) {
      throw passingFailed;
    }
    if (passing == null) {
      Map<String, List<Path>> parts = new LinkedHashMap<>();
      parts.put("count", List.of(Files.writeString(dir.resolve("count.scala"),
          "println(\"ps-shell-test count=\" + spark.range(10).count())\n"
              + "println(\"ps-shell-test sum=\" + sc.parallelize(1 to 4, 2).map(_ * 10).sum().toInt)\n")));
      parts.put("train-lr", List.of(ProjectLayout.root().resolve("examples/shell/train-lr.scala")));
      parts.put("pipeline-lr", List.of(ProjectLayout.root().resolve("examples/shell/pipeline-lr.scala")));
      List<Path> docs = new ArrayList<>();
      for (String doc : List.of("docs/spark.md", "docs/running.md")) {
        docs.addAll(scalaBlocks(ProjectLayout.root().resolve(doc)));
      }
      parts.put("docs", docs);
      parts.put("streaming", scalaBlocks(ProjectLayout.root().resolve("docs/streaming.md")));
      parts.put("end", List.of());
      List<Path> scripts = new ArrayList<>();
      for (Map.Entry<String, List<Path>> part : parts.entrySet()) {
        scripts.add(Files.writeString(dir.resolve("marker-" + part.getKey() + ".scala"),
            "println(\"" + MARKER.strip() + "\" + \" " + part.getKey() + "\")\n"));
        scripts.addAll(part.getValue());
      }
      try {
        passing = runShell(scripts, TIMEOUT_SECONDS * parts.size());
      } catch (AssertionError e) {
        passingFailed = e;
        throw e;
      }
    }
    return passing;
  }

  /** Writes each {@code ```scala} block of {@code doc} to its own file in {@link #dir}. */
  private static List<Path> scalaBlocks(Path doc) throws IOException {
    List<Path> files = new ArrayList<>();
    StringBuilder block = null;
    boolean inFence = false;
    String name = doc.getFileName().toString().replace(".md", "");
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("```")) {
        if (!inFence) {
          inFence = true;
          block = line.substring(3).trim().equals("scala") ? new StringBuilder() : null;
        } else {
          inFence = false;
          if (block != null) {
            files.add(Files.writeString(dir.resolve(name + "-" + (files.size() + 1) + ".scala"), block));
          }
        }
      } else if (inFence && block != null) {
        block.append(line).append('\n');
      }
    }
    assertFalse(inFence, "unclosed code block in " + doc);
    assertFalse(files.isEmpty(), "no ```scala block in " + doc);
    return files;
  }

  private record Result(int exitCode, String output) {}

  /**
   * Runs the scripts in order, each with its own {@code -i}, with the classes just compiled (no
   * user jar needed, no Maven run).
   */
  private static Result runShell(List<Path> scripts, long timeoutSeconds) throws Exception {
    Path root = ProjectLayout.root();
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/ps-shell").toString(),
        "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--driver-memory", "1g"));
    for (Path script : scripts) {
      command.add("-i");
      command.add(script.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true);
    builder.environment().put("PS_NO_BUILD", "1");
    builder.environment().put("PS_CLASSPATH", String.join(":", ProjectLayout.nonSparkClasspath()));
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new AssertionError("ps-shell did not exit within " + timeoutSeconds + " s");
      }
      return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (TimeoutException e) {
      throw new AssertionError("ps-shell output did not end", e);
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }
}
