package io.sparkps.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/ps-shell -i file.scala} runs a Scala script in the REPL with {@code spark} bound,
 * exits by itself, and fails (exit status 1) when the script does not compile or throws.
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

  private record Result(int exitCode, String output) {}

  /** Runs the script with the classes just compiled (no user jar needed, no Maven run). */
  private Result runShell(Path script) throws Exception {
    return runShell(script, dir);
  }

  private static Result runShell(Path script, Path workDir) throws Exception {
    Path root = ProjectLayout.root();
    ProcessBuilder builder = new ProcessBuilder(List.of("bash", root.resolve("scripts/ps-shell").toString(),
        "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--driver-memory", "1g",
        "-i", script.toString()))
        .directory(workDir.toFile())
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
