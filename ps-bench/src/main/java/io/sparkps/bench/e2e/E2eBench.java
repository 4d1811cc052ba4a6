package io.sparkps.bench.e2e;

import io.sparkps.core.config.Ticker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The end-to-end benchmark driver ({@code scripts/bench e2e [quick|full]}): runs every step of an
 * {@link E2ePlan} in a child JVM of its own ({@link E2eRun}) with the same JVM flags and heap,
 * prints a progress line per step, records a step that dies (OutOfMemoryError, a crash) or runs
 * past its timeout as failed points with the child's error line, then writes the summary tables
 * ({@link E2eReport}) and the plots ({@link E2ePlots}). Single-threaded apart from the timeout watchdog.
 *
 * <pre>{@code java @scripts/jvm.options -cp <ps-bench classpath> io.sparkps.bench.e2e.E2eBench
 *   --mode=quick|full|tiny|report --out=DIR [--heap=16g] [--master=local[*]] [--only=medium-mllib,...] [--lock=/tmp/mvn.lock]}</pre>
 *
 * <p>With {@code --lock}, each step's JVM runs under {@code flock} on that file, the lock every
 * build and measurement of {@code scripts/bench} takes: builds wait between steps, never during one.
 */
public final class E2eBench {

  private static final Ticker TICKER = Ticker.systemTicker();
  private static final Set<String> FLAGS = Set.of("mode", "out", "heap", "master", "only", "fresh", "lock");

  private E2eBench() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Flags flags = new Flags(args, FLAGS);
    String mode = flags.string("mode", "quick");
    // "report" redraws the tables and plots from the CSVs a run left.
    E2ePlan plan = mode.equals("report") ? new E2ePlan(mode, List.of()) : E2ePlan.of(mode);
    Path out = Path.of(flags.string("out", "ps-bench/target/bench"));
    List<String> only = flags.list("only", "");
    Files.createDirectories(out);
    if (!mode.equals("report") && !flags.string("fresh", "true").equals("false")) {
      // Points of an earlier run would mix into this run's ratios.
      Files.deleteIfExists(out.resolve(E2eRun.POINTS));
      Files.deleteIfExists(out.resolve(E2eRun.STEPS));
      Files.deleteIfExists(out.resolve(E2eBreakdown.FILE));
    }
    List<E2ePlan.Step> steps = plan.steps().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
    long start = TICKER.read();
    for (int i = 0; i < steps.size(); i++) {
      E2ePlan.Step step = steps.get(i);
      System.out.printf(Locale.ROOT, "==> e2e [%d/%d] %s: N=%,d D=%s (%s)%n", i + 1, steps.size(), step.name(),
          step.size().n(), step.size().dLabel(), LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")));
      runStep(step, out, flags.string("heap", "16g"), flags.string("master", "local[*]"), flags.string("lock", ""));
    }
    System.out.printf(Locale.ROOT, "==> e2e: %d steps in %.1f min%n", steps.size(), (TICKER.read() - start) / 60e9);
    List<E2eBreakdown.Row> phases = E2eBreakdown.read(out.resolve(E2eBreakdown.FILE));
    E2eReport report = E2eReport.read(out);
    String markdown = report.markdown() + E2eBreakdown.markdown(phases);
    Files.writeString(out.resolve("e2e-summary.md"), markdown, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(markdown);
    E2ePlots.write(report, out).forEach(p -> System.out.println("wrote " + p));
    E2eBreakdown.plots(phases, out).forEach(p -> System.out.println("wrote " + p));
  }

  /** Runs one step's JVM to the end (or its timeout) and records what it could not record itself. */
  static void runStep(E2ePlan.Step step, Path out, String heap, String master, String lock)
      throws IOException, InterruptedException {
    Path points = out.resolve(E2eRun.POINTS);
    int before = E2ePoint.read(points).size();
    List<String> cmd = new ArrayList<>();
    if (!lock.isEmpty()) {
      cmd.addAll(List.of("flock", lock));
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Same flags as this JVM, but the step's own heap; agents and recordings are this JVM's business.
      if (!a.startsWith("-Xmx") && !a.startsWith("-Xms") && !a.startsWith("-agent") && !a.startsWith("-javaagent")
          && !a.startsWith("-XX:StartFlightRecording") && !a.equals("-XX:+AlwaysPreTouch")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx" + heap);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), E2eRun.class.getName(),
        "--step=" + step.name(), "--experiment=" + step.experiment(), "--size=" + step.size().spec(),
        "--system=" + step.system(), "--master=" + master, "--out=" + out));
    cmd.addAll(step.flags());
    Path log = Files.createDirectories(out.resolve("e2e-logs")).resolve(step.name() + "-log.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
    long start = TICKER.read();
    Process child = pb.start();
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "e2e-watchdog");
      t.setDaemon(true);
      return t;
    });
    ScheduledFuture<?> kill = watchdog.schedule(() -> {
      timedOut.set(true);
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }, step.timeout().toMillis(), TimeUnit.MILLISECONDS);
    String failure = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        w.println(line);
        if (line.startsWith("[e2e] ")) {
          System.out.println("    " + line.substring(6));
        }
        failure = failureLine(line, failure);
      }
    } finally {
      kill.cancel(false);
      watchdog.shutdownNow();
    }
    int exit = child.waitFor();
    double seconds = (TICKER.read() - start) / 1e9;
    if (exit == 0 && !timedOut.get()) {
      System.out.printf(Locale.ROOT, "    step done in %.1f s (log %s)%n", seconds, log);
      return;
    }
    String status = timedOut.get() ? "timeout" : "failed";
    String error = timedOut.get() ? "did not finish within " + step.timeout().toMinutes() + " min"
        : "JVM exited with " + exit + (failure == null ? "" : ": " + failure);
    System.out.printf(Locale.ROOT, "    step %s after %.1f s: %s (log %s)%n", status.toUpperCase(Locale.ROOT), seconds,
        error, log);
    recordMissing(step, points, before, seconds, status, error);
    E2eRun.appendStep(out, step.name(), step.size().name(), step.system(), Double.NaN, Double.NaN, Double.NaN, status,
        error);
  }

  /** The first line naming an OutOfMemoryError, else the latest exception line seen. */
  static String failureLine(String line, String sofar) {
    if (sofar != null && sofar.contains("OutOfMemoryError")) {
      return sofar;
    }
    String t = line.strip();
    if (t.contains("OutOfMemoryError") || (!t.startsWith("at ") && t.matches(".*(Exception|Error)(:.*)?"))) {
      return t;
    }
    return sofar;
  }

  /** A failed point for every configuration the dead step had not reported yet. */
  private static void recordMissing(E2ePlan.Step step, Path points, int before, double seconds, String status,
      String error) throws IOException {
    List<E2ePoint> all = E2ePoint.read(points);
    Set<String> done = new HashSet<>();
    for (E2ePoint p : all.subList(before, all.size())) {
      done.add(p.config() + "@" + (p.system().equals("mllib") ? p.point() : 0));
    }
    List<E2ePoint> failed = new ArrayList<>();
    Flags planned = new Flags(step.flags().toArray(new String[0]), Set.of("configs", "iters", "epochs"));
    if (step.system().equals("mllib")) {
      for (String iters : planned.list("iters", E2eRun.DEFAULT_ITERS)) {
        if (!done.contains("lbfgs@" + iters)) {
          // Only the first missing one ran (and died); the others never started.
          failed.add(E2ePoint.failed(step.experiment(), step.size(), "mllib", "lbfgs", Integer.parseInt(iters),
              seconds, status, error));
          break;
        }
      }
    } else {
      for (String config : planned.list("configs", String.join(",", E2eRun.PS_CONFIGS))) {
        if (!done.contains(config + "@0")) {
          failed.add(E2ePoint.failed(step.experiment(), step.size(), "spark-ps", config, 0, seconds, status, error));
        }
      }
    }
    E2ePoint.append(points, failed);
  }
}
