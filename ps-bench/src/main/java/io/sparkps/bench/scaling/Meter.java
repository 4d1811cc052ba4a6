package io.sparkps.bench.scaling;

import io.sparkps.bench.ChildJvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CPU of the run's processes and loopback bytes over one epoch: {@link #start} reads every counter, {@link
 * #stop} reads them again and keeps the differences. Immutable.
 */
final class Meter {

  private final List<Process> servers;
  private final List<Process> workers;
  private final long startNanos;
  private final double[] serverCpu;
  private final double workerCpu;
  private final double driverCpu;
  private final long loopbackBytes;
  private final double wallSeconds;

  private Meter(List<Process> servers, List<Process> workers, long startNanos, double[] serverCpu,
      double workerCpu, double driverCpu, long loopbackBytes, double wallSeconds) {
    this.servers = servers;
    this.workers = workers;
    this.startNanos = startNanos;
    this.serverCpu = serverCpu;
    this.workerCpu = workerCpu;
    this.driverCpu = driverCpu;
    this.loopbackBytes = loopbackBytes;
    this.wallSeconds = wallSeconds;
  }

  /** Reads the counters now; {@code servers} in ascending server id. */
  static Meter start(Map<Integer, Process> servers, List<Process> workers) {
    List<Process> s = new ArrayList<>(servers.values());
    return new Meter(s, List.copyOf(workers), System.nanoTime(), cpu(s), total(cpu(workers)),
        ChildJvm.cpuSeconds(ProcessHandle.current()), ChildJvm.loopbackBytes(), Double.NaN);
  }

  /** What was used since {@link #start}. */
  Meter stop() {
    long now = System.nanoTime();
    double[] cpu = cpu(servers);
    for (int i = 0; i < cpu.length; i++) {
      cpu[i] -= serverCpu[i];
    }
    return new Meter(servers, workers, startNanos, cpu, total(cpu(workers)) - workerCpu,
        ChildJvm.cpuSeconds(ProcessHandle.current()) - driverCpu, ChildJvm.loopbackBytes() - loopbackBytes,
        (now - startNanos) / 1e9);
  }

  double wallSeconds() {
    return wallSeconds;
  }

  /** Each server's CPU seconds, ascending server id. */
  double[] serverCpu() {
    return serverCpu.clone();
  }

  double serverCpuTotal() {
    return total(serverCpu);
  }

  double workerCpu() {
    return workerCpu;
  }

  double driverCpu() {
    return driverCpu;
  }

  long loopbackBytes() {
    return loopbackBytes;
  }

  private static double[] cpu(List<Process> processes) {
    return processes.stream().mapToDouble(p -> ChildJvm.cpuSeconds(p.toHandle())).toArray();
  }

  private static double total(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum;
  }
}
