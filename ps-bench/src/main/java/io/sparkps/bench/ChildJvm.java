package io.sparkps.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM on this JVM's classpath and flags (heap excepted), with its output in a log file, and
 * the meters the benchmarks need (the scaling model's): a process's CPU time, and the bytes through the loopback
 * interface.
 */
public final class ChildJvm {

  private ChildJvm() {}

  /** Starts {@code mainClass} with {@code -Xmx<heap>} and {@code args}, output to {@code log}. */
  public static Process launch(Class<?> mainClass, String heap, Path log, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-Xms") && !arg.startsWith("-XX:+AlwaysPreTouch")) {
        cmd.add(arg);
      }
    }
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    Files.createDirectories(log.toAbsolutePath().getParent());
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** CPU seconds (user + system, all threads) the process has used so far, or NaN if unknown. */
  public static double cpuSeconds(ProcessHandle process) {
    return process.info().totalCpuDuration().map(ChildJvm::seconds).orElse(Double.NaN);
  }

  /**
   * Bytes sent through the loopback interface so far (Linux, machine-wide: TCP/IP headers included,
   * and any other process's loopback traffic), or -1 where it cannot be read.
   */
  public static long loopbackBytes() {
    try {
      return Long.parseLong(Files.readString(Path.of("/sys/class/net/lo/statistics/tx_bytes")).trim());
    } catch (IOException | NumberFormatException e) {
      // Not Linux: the bytes column says -1 instead of failing the run.
      return -1;
    }
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
