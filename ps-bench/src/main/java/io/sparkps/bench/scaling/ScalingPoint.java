package io.sparkps.bench.scaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One measured epoch: a (servers, workers, mode) configuration, as one row of {@code scaling.csv}.
 * Per-batch figures are means over every worker's batches; CPU and bytes are what the processes
 * used between the epoch's start and end barriers.
 *
 * @param servers server JVMs S
 * @param workers worker JVMs W
 * @param mode consistency model
 * @param rowsPerBatch rows B per batch
 * @param d feature space D
 * @param batches batches of the epoch, all workers together
 * @param epochSeconds wall time of the epoch (driver: start barrier to end barrier)
 * @param keysPerBatch distinct keys n per batch (bias included)
 * @param framesPerBatch pull frames per batch, one per shard touched (a push sends as many)
 * @param pullMs mean time of a batch's pull
 * @param computeMs mean time of a batch's gradient
 * @param pushMs mean time of a batch's push, until acknowledged
 * @param clockMs mean time in {@code clock()}: round trip to the scheduler plus waiting for others
 * @param serverCpu CPU seconds of every server JVM together
 * @param workerCpu CPU seconds of every worker JVM together
 * @param schedulerCpu CPU seconds of the driver JVM (the scheduler; its own client is idle meanwhile)
 * @param loopbackBytes bytes through the loopback interface (machine-wide; TCP/IP headers included)
 * @param serverKeys keys sent to each server, all workers together (ascending server id)
 * @param serverCpuEach CPU seconds of each server JVM (ascending server id)
 * @param lanes shard lanes L per server (a sparse table has S x L shards)
 */
record ScalingPoint(int servers, int workers, String mode, int rowsPerBatch, long d, int batches,
    double epochSeconds, double keysPerBatch, double framesPerBatch, double pullMs, double computeMs,
    double pushMs, double clockMs, double serverCpu, double workerCpu, double schedulerCpu, long loopbackBytes,
    long[] serverKeys, double[] serverCpuEach, int lanes) {

  static final String HEADER = "servers,workers,mode,rows_per_batch,d,batches,epoch_s,keys_per_batch,"
      + "frames_per_batch,pull_ms,compute_ms,push_ms,clock_ms,server_cpu_s,worker_cpu_s,scheduler_cpu_s,"
      + "loopback_bytes,server_keys,server_cpu_each_s,lanes";

  /** Max over mean keys per server: 1.0 is a perfect spread. */
  double keyImbalance() {
    double mean = Arrays.stream(serverKeys).average().orElse(0);
    return mean == 0 ? 0 : Arrays.stream(serverKeys).max().orElse(0) / mean;
  }

  /** Batches per second, all workers together. */
  double batchesPerSecond() {
    return batches / epochSeconds;
  }

  String toCsv() {
    return String.format(Locale.ROOT, "%d,%d,%s,%d,%d,%d,%.3f,%.1f,%.2f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%s,%s,%d",
        servers, workers, mode, rowsPerBatch, d, batches, epochSeconds, keysPerBatch, framesPerBatch, pullMs,
        computeMs, pushMs, clockMs, serverCpu, workerCpu, schedulerCpu, loopbackBytes,
        Arrays.stream(serverKeys).mapToObj(Long::toString).collect(Collectors.joining(";")),
        Arrays.stream(serverCpuEach).mapToObj(c -> String.format(Locale.ROOT, "%.3f", c))
            .collect(Collectors.joining(";")), lanes);
  }

  static void write(Path file, List<ScalingPoint> points) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    points.forEach(p -> lines.add(p.toCsv()));
    Files.write(file, lines);
  }

  static List<ScalingPoint> read(Path file) throws IOException {
    List<ScalingPoint> points = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      points.add(new ScalingPoint(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]),
          Long.parseLong(f[4]), Integer.parseInt(f[5]), d(f[6]), d(f[7]), d(f[8]), d(f[9]), d(f[10]), d(f[11]),
          d(f[12]), d(f[13]), d(f[14]), d(f[15]), Long.parseLong(f[16]),
          Arrays.stream(f[17].split(";")).mapToLong(Long::parseLong).toArray(),
          Arrays.stream(f[18].split(";")).mapToDouble(Double::parseDouble).toArray(), Integer.parseInt(f[19])));
    }
    return points;
  }

  private static double d(String s) {
    return Double.parseDouble(s);
  }
}
