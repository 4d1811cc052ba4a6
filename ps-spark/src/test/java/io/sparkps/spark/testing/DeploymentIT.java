package io.sparkps.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented deployment, typed as a user types it (failsafe, after {@code package}): the user
 * jar reaches the cluster only through {@code --jars}, the plugin only through
 * {@code spark.plugins}; the standalone master and workers run Spark's jars and nothing else, and
 * so does the driver's JVM. The application ({@link DeploymentJob}, from a jar of test classes)
 * trains while worker 0 kills the other executor with {@code kill -9}: Spark replaces it, the
 * replacement hosts a parameter server, the run resumes from the last checkpoint and every push
 * lands exactly once. Once with Spark's own {@code SparkSubmit} command line, once with
 * {@code scripts/submit}.
 */
class DeploymentIT {

  private static final Pattern RESULT = Pattern.compile("deployment-job: servers alive=(\\d+) lost=(\\d+); "
      + "counts faulty=\\[([0-9., ]+)] clean=\\[([0-9., ]+)] expected=(\\d+); "
      + "held-out logloss faulty=([0-9.]+) clean=([0-9.]+) constant=([0-9.]+)");
  private static final double MARGIN = 0.02;
  private static final long TIMEOUT_SECONDS = 300;

  private static StandaloneCluster cluster;
  private static Path userJar;
  private static Path appJar;

  @TempDir
  Path dir;

  @BeforeAll
  static void startCluster() {
    String configured = System.getProperty("ps.user.jar");
    userJar = configured != null ? Path.of(configured)
        : ProjectLayout.userJar().orElseThrow(() -> new AssertionError("no user jar; run mvn package"));
    cluster = StandaloneCluster.builder().workers(2).name("deployment").start();
    appJar = cluster.testClassesJar();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = TIMEOUT_SECONDS + 60, unit = TimeUnit.SECONDS)
  void sparkSubmitWithJarsSurvivesAKilledExecutor() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProjectLayout.javaExecutable());
    command.addAll(ProjectLayout.jvmFlags());
    command.add("-Dio.netty.leakDetection.level=paranoid");
    command.addAll(List.of("-cp", ProjectLayout.sparkHome().resolve("jars") + "/*",
        "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(),
        "--jars", userJar.toString(),
        "--conf", "spark.plugins=io.sparkps.spark.PsPlugin",
        "--conf", "spark.executor.extraJavaOptions=" + ProjectLayout.testJvmFlagsLine()));
    command.addAll(jobConf());
    command.addAll(List.of("--class", DeploymentJob.class.getName(), appJar.toString(), dir.toString(), "kill"));
    checkRun(run("spark-submit", command, Map.of()));
  }

  @Test
  @Timeout(value = TIMEOUT_SECONDS + 60, unit = TimeUnit.SECONDS)
  void scriptsSubmitSurvivesAKilledExecutor() throws Exception {
    List<String> command = new ArrayList<>(List.of("bash",
        ProjectLayout.root().resolve("scripts/submit").toString(), "--master", cluster.masterUrl(),
        "--conf", "spark.executor.extraJavaOptions=" + ProjectLayout.testJvmFlagsLine()));
    command.addAll(jobConf());
    command.addAll(List.of("--class", DeploymentJob.class.getName(), appJar.toString(), dir.toString(), "kill"));
    // The scripts find the user jar in ps-spark/target themselves; no PS_CLASSPATH: nothing else.
    checkRun(run("scripts-submit", command, Map.of("PS_NO_BUILD", "1",
        "SPARK_SUBMIT_OPTS", "-Dio.netty.leakDetection.level=paranoid")));
  }

  private List<String> jobConf() {
    return List.of("--conf", "spark.executor.memory=512m",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.ps.checkpoint.dir=" + dir.resolve("checkpoints"),
        "--conf", "spark.ps.checkpoint.interval=20");
  }

  private record Run(int exitCode, List<String> driverLog, String appId) {}

  private Run run(String name, List<String> command, Map<String, String> env) throws Exception {
    Path log = dir.resolve(name + "-driver.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", ProjectLayout.sparkHome().toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().remove("SPARK_CONF_DIR");
    builder.environment().remove("PS_CLASSPATH");
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " did not finish within " + TIMEOUT_SECONDS + " s; log: " + log);
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.onExit().get(30, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    // Keep the driver log beside the executors' for whoever reads a failure (and the leak check).
    Files.copy(log, cluster.workDir().resolve(name + "-driver.log"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String appId = lines.stream().map(l -> Pattern.compile("(app-\\d+-\\d+)").matcher(l))
        .filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse("");
    return new Run(process.exitValue(), lines, appId);
  }

  private void checkRun(Run run) throws IOException {
    String tail = String.join("\n", run.driverLog().subList(Math.max(0, run.driverLog().size() - 60),
        run.driverLog().size()));
    assertEquals(0, run.exitCode(), "the application failed; driver log tail:\n" + tail);
    Matcher m = run.driverLog().stream().map(RESULT::matcher).filter(Matcher::find).findFirst()
        .orElseThrow(() -> new AssertionError("no result line; driver log tail:\n" + tail));

    // Spark replaced the killed executor and the replacement hosts a parameter server again.
    assertEquals(2, Integer.parseInt(m.group(1)), "live servers at the end: " + m.group());
    assertEquals(1, Integer.parseInt(m.group(2)), "servers lost: " + m.group());
    long victim = Long.parseLong(Files.readString(dir.resolve("victim")).trim());
    assertFalse(StandaloneCluster.isAlive(victim), "the killed executor is gone");
    List<Path> executorLogs = executorLogs(run.appId());
    assertEquals(3, executorLogs.size(), "two executors and the replacement: " + executorLogs);

    // Exactly once: every worker's clock pushes counted once, with and without the failure.
    long expected = Long.parseLong(m.group(5));
    for (String counts : List.of(m.group(3), m.group(4))) {
      for (String c : counts.split(",")) {
        assertEquals(expected, Double.parseDouble(c.trim()), 0.0, "per-worker clock counts: " + m.group());
      }
    }
    double faulty = Double.parseDouble(m.group(6));
    double clean = Double.parseDouble(m.group(7));
    double constant = Double.parseDouble(m.group(8));
    assertTrue(clean < constant - 0.1, "learns: " + m.group());
    assertTrue(Math.abs(faulty - clean) <= MARGIN, "within " + MARGIN + " of the failure-free run: " + m.group());

    // Nothing failed to load anywhere, and no buffer leaked.
    List<String> all = new ArrayList<>(run.driverLog());
    for (Path p : executorLogs) {
      all.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
    }
    assertEquals(List.of(), all.stream().filter(l -> l.contains("ClassNotFoundException")
        || l.contains("LEAK:") || l.contains("re-registration")).limit(5).toList());

    long faultAt = Long.parseLong(Files.readString(dir.resolve("fault-at")).trim());
    long resumed = Long.parseLong(Files.readString(dir.resolve("resumed")).trim());
    System.out.printf(Locale.ROOT, "deployment test (%s): kill -9 -> training progressing again: %d ms "
            + "(resumed at clock %s); driver log: %s%n", run.appId(), resumed - faultAt,
        Files.readString(dir.resolve("resumed-clock")).trim(), LogCounts.of(run.driverLog()));
  }

  /** The stderr files of the application's executors under the workers' directories. */
  private static List<Path> executorLogs(String appId) {
    try (Stream<Path> files = Files.walk(cluster.workDir())) {
      return files.filter(p -> p.getFileName().toString().equals("stderr") && p.toString().contains(appId))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
