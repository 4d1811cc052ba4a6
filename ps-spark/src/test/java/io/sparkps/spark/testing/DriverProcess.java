package io.sparkps.spark.testing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A driver JVM a test launched (a {@code SparkSubmit} command line), whose output a daemon thread
 * copies line by line to a log file and matches against {@link #watch} patterns, so a test can act
 * on a line the moment the driver prints it ({@code kill -9} it, say) without polling. Start, wait
 * and kill from one thread; the watches are thread-safe.
 */
final class DriverProcess implements AutoCloseable {

  private record Watch(Pattern pattern, CompletableFuture<Matcher> result) {}

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();
  private final CompletableFuture<Void> outputEnd = new CompletableFuture<>();

  private DriverProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread pump = new Thread(this::pump, "driver-" + name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code builder}'s command with stderr merged into stdout, copied to {@code log}. */
  static DriverProcess start(String name, ProcessBuilder builder, Path log) throws IOException {
    Process process = builder.redirectErrorStream(true).start();
    process.getOutputStream().close();
    return new DriverProcess(name, process, log);
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /**
   * Completes with the first line (printed before or after this call) that {@code pattern} finds in;
   * fails once the output ended without one.
   */
  CompletableFuture<Matcher> watch(Pattern pattern) {
    Watch w = new Watch(pattern, new CompletableFuture<>());
    synchronized (lines) {
      for (String line : lines) {
        if (offer(w, line)) {
          return w.result;
        }
      }
      if (outputEnd.isDone()) {
        w.result.completeExceptionally(new AssertionError(name + " ended without a line matching " + pattern
            + "; log " + log + ":\n" + tail()));
      } else {
        watches.add(w);
      }
    }
    return w.result;
  }

  /** The line {@code pattern} finds in, waiting at most {@code seconds}. */
  Matcher await(Pattern pattern, long seconds) throws InterruptedException {
    try {
      return watch(pattern).get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(name + " printed no line matching " + pattern + " within " + seconds + " s; log "
          + log + ":\n" + tail(), e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
    }
  }

  /** Waits for the JVM to exit and its output to end; returns its exit code. */
  int awaitExit(long seconds) throws InterruptedException, ExecutionException {
    try {
      process.onExit().get(seconds, TimeUnit.SECONDS);
      outputEnd.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(name + " did not end within " + seconds + " s; log " + log + ":\n" + tail(), e);
    }
    return process.exitValue();
  }

  /** {@code kill -9}: SIGKILL, no shutdown hook runs. */
  void kill() {
    process.destroyForcibly();
  }

  /** Every line so far. */
  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The last 60 lines, for failure messages. */
  String tail() {
    synchronized (lines) {
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
  }

  /** Kills the JVM and what it started if still running (a failed test). */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static boolean offer(Watch w, String line) {
    Matcher m = w.pattern.matcher(line);
    if (m.find()) {
      w.result.complete(m);
      return true;
    }
    return false;
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)); BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.write(line);
        out.newLine();
        out.flush();
        synchronized (lines) {
          lines.add(line);
          final String current = line;
          watches.removeIf(w -> offer(w, current));
        }
      }
    } catch (IOException e) {
      // The pipe closed under us (the JVM was killed): the end of output below says so.
      synchronized (lines) {
        lines.add("[driver output ended: " + e + "]");
      }
    } finally {
      synchronized (lines) {
        outputEnd.complete(null);
        for (Watch w : watches) {
          w.result.completeExceptionally(new AssertionError(name + " ended without a line matching " + w.pattern
              + "; log " + log + ":\n" + tail()));
        }
        watches.clear();
      }
    }
  }
}
