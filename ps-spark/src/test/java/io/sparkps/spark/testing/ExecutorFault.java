package io.sparkps.spark.testing;

import io.sparkps.spark.WorkerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A fault injected from inside training: when worker 0 reaches clock {@code atClock} for the first
 * time, it kills ({@code kill -9}) or pauses ({@code kill -STOP}) another executor JVM of the same
 * application, found among the machine's processes. Files in {@code dir} record what happened:
 * {@code victim} (its pid), {@code fault-at} (epoch ms of the signal), {@code resumed} (epoch ms at
 * which worker 0 started its first batch after the run was rolled back) and {@code resumed-clock}.
 * Marker files make it happen once across task retries. Serialised into the training closure.
 */
public final class ExecutorFault implements CountedLr.Fault {

  private static final long serialVersionUID = 1L;

  /** What to do to the victim. */
  public enum Kind {
    /** SIGKILL, as {@code kill -9}. */
    KILL,
    /** SIGSTOP: the JVM freezes, sockets stay open; the test sends SIGCONT. */
    PAUSE
  }

  private final Kind kind;
  private final String appId;
  private final long atClock;
  private final String dir;

  public ExecutorFault(Kind kind, String appId, long atClock, Path dir) {
    this.kind = kind;
    this.appId = appId;
    this.atClock = atClock;
    this.dir = dir.toString();
  }

  @Override
  public void before(WorkerContext worker, long clock) throws Exception {
    if (worker.id() != 0) {
      return;
    }
    Path d = Path.of(dir);
    if (clock == atClock && !Files.exists(d.resolve("victim"))) {
      long victim = otherExecutor(appId).orElseThrow(() -> new IllegalStateException(
          "no other executor of application " + appId + " to " + kind));
      if (writeOnce(d, "victim", Long.toString(victim))) {
        writeOnce(d, "fault-at", Long.toString(System.currentTimeMillis()));
        signal(victim, kind == Kind.KILL ? "-KILL" : "-STOP");
      }
    } else if (clock < atClock && Files.exists(d.resolve("fault-at"))) {
      if (writeOnce(d, "resumed", Long.toString(System.currentTimeMillis()))) {
        writeOnce(d, "resumed-clock", Long.toString(clock));
      }
    }
  }

  /** An executor JVM of {@code appId} other than this one. */
  static Optional<Long> otherExecutor(String appId) {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> {
          List<String> args = List.of(p.info().arguments().orElse(new String[0]));
          int app = args.indexOf("--app-id");
          return args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && app >= 0
              && app + 1 < args.size() && args.get(app + 1).equals(appId);
        })
        .map(ProcessHandle::pid)
        .findFirst();
  }

  /** Sends a signal with the kill command (the JDK can send SIGKILL and SIGTERM only). */
  public static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("kill " + signal + " " + pid + " failed: " + out);
    }
  }

  /** Creates the file with the text unless it exists; true if this call created it. */
  static boolean writeOnce(Path dir, String name, String text) {
    try {
      Files.writeString(Files.createFile(dir.resolve(name)), text, StandardCharsets.UTF_8);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
