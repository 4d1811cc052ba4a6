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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/ps-shell -i file.scala} runs a Scala script in the REPL with {@code spark} bound,
 * exits by itself, and fails (exit status 1) when the script does not compile or throws; the Scala
 * snippets of the docs run in it as written.
 */
class PsShellScriptTest {

  private static final long TIMEOUT_SECONDS = 90;

  @TempDir Path dir;

  @Test
  void runsAScriptWithSparkBoundAndExits() throws Exception {
    Path script = Files.writeString(dir.resolve("count.scala"),
        "println(\"ps-shell-test count=\" + spark.range(10).count())\n"
            + "println(\"ps-shell-test sum=\" + sc.parallelize(1 to 4, 2).map(_ * 10).sum().toInt)\n");
    Result result = runShell(script);
    assertEquals(0, result.exitCode, result.output);
    assertTrue(result.output.contains("ps-shell-test count=10"), result.output);
    assertTrue(result.output.contains("ps-shell-test sum=100"), result.output);
  }

  @Test
  void theExampleSnippetTrainsAModelWithThePsBound() throws Exception {
    Result result = runShell(ProjectLayout.root().resolve("examples/shell/train-lr.scala"));
    assertEquals(0, result.exitCode, result.output);
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("ps-shell-lr logloss=([0-9.]+) auc=([0-9.]+) weights=([0-9]+)").matcher(result.output);
    assertTrue(m.find(), result.output);
    assertTrue(Double.parseDouble(m.group(1)) < 0.6, "held-out logloss " + m.group(1));
    assertTrue(Double.parseDouble(m.group(2)) > 0.75, "held-out AUC " + m.group(2));
    assertTrue(Long.parseLong(m.group(3)) > 1000, "weights on the servers: " + m.group(3));
  }

  @Test
  void thePipelineSnippetFitsEvaluatesSavesAndLoads() throws Exception {
    Result result = runShell(ProjectLayout.root().resolve("examples/shell/pipeline-lr.scala"));
    assertEquals(0, result.exitCode, result.output);
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("ps-shell-pipeline auc=([0-9.]+) reloaded=([0-9.]+)").matcher(result.output);
    assertTrue(m.find(), result.output);
    assertTrue(Double.parseDouble(m.group(1)) > 0.7, "held-out AUC " + m.group(1));
    assertEquals(m.group(1), m.group(2), "the reloaded pipeline scores the same");
  }

  @Test
  void failsWhenTheScriptDoesNotCompile() throws Exception {
    Path script = Files.writeString(dir.resolve("broken.scala"), "val n: Int = \"not a number\"\n");
    Result result = runShell(script);
    assertEquals(1, result.exitCode, result.output);
    assertTrue(result.output.contains("error: type mismatch"), result.output);
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
    List<Path> blocks = new ArrayList<>();
    for (String doc : List.of("docs/spark.md", "docs/running.md")) {
      blocks.addAll(scalaBlocks(ProjectLayout.root().resolve(doc)));
    }
    Result result = runShell(blocks);
    String out = result.output;
    assertEquals(0, result.exitCode, out);
    assertTrue(out.contains("ps-shell: `ps` is bound"), out);
    assertFalse(out.contains("not found: value ps"), out);
    // spark.md: a handle made on the driver, captured in a closure of a later block, pulls in tasks
    assertTrue(out.contains("pulled on the executors: 1.0, 2.0, 3.0"), out);
    // spark.md: the Scala training form; 2 workers x 500 rows x 10 clocks into a sum table
    assertTrue(out.contains("run sums: FINISHED, sums 5000.0, 5000.0"), out);
    // spark.md: a closure over a non-serialisable object names it, not Spark's debugger's module error
    assertTrue(java.util.regex.Pattern.compile(
        "Task not serializable, caused by java\\.io\\.NotSerializableException: \\S*\\$Tally\\R"
            + "Serialization stack:").matcher(out).find(), out);
    assertFalse(out.contains("IllegalAccessException") || out.contains("GetBooleanAction"), out);
    // running.md: a handle pushing from a closure
    assertTrue(out.contains("hits: 3.0, 3.0"), out);
  }

  /** Writes each {@code ```scala} block of {@code doc} to its own file in {@link #dir}. */
  private List<Path> scalaBlocks(Path doc) throws IOException {
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

  /** Runs the script with the classes just compiled (no user jar needed, no Maven run). */
  private Result runShell(Path script) throws Exception {
    return runShell(List.of(script));
  }

  /** Runs the scripts in order, each with its own {@code -i}. */
  private Result runShell(List<Path> scripts) throws Exception {
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
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("ps-shell did not exit within " + TIMEOUT_SECONDS + " s");
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
