package io.sparkps.bench.scaling;

import java.util.List;
import java.util.Locale;

/**
 * The model of {@code docs/scaling.md} applied to a cluster it was not measured on: per mini-batch
 * round (one batch from every worker) the time of each resource, with the constants fitted on this
 * machine ({@link ScalingModel}) and the cluster's assumptions as fields. The round takes as long as
 * the slowest resource; an epoch is {@code N / (W B)} rounds.
 *
 * @param workers W, one training task per executor
 * @param servers S, at most one per executor
 * @param lanes L, shard lanes (= shards of a sparse table) per server: the executor's cores
 * @param serverCores cores a server may use while its executor also runs a training task
 * @param rttSeconds network round trip between executors
 * @param bytesPerSecond one NIC, each direction (10 Gb/s = 1.25e9)
 * @param frameBytes bytes of a frame beyond its keys and values (header, table, shard, counts, push id)
 * @param rows N, rows of one epoch
 * @param batch B
 * @param keysPerBatch n, distinct keys of a batch (from the measured run: a property of B, K, D and s)
 * @param frameSeconds CPU per frame on each side (server c_f, worker w_f): assumed, since on this
 *     machine it is within the noise of the fit (see docs/scaling.md)
 */
record Extrapolation(int workers, int servers, int lanes, int serverCores, double rttSeconds, double bytesPerSecond,
    double frameBytes, long rows, int batch, double keysPerBatch, double frameSeconds) {

  /** The stated cluster: 100 executors of 8 cores on 10 Gb/s, 100 µs round trips, N = 100 M rows. */
  static Extrapolation cluster(List<ScalingPoint> measured) {
    ScalingPoint p = measured.get(0);
    double n = measured.stream().mapToDouble(ScalingPoint::keysPerBatch).average().orElse(0);
    return new Extrapolation(100, 100, 8, 4, 100e-6, 1.25e9, 48, 100_000_000L, p.rowsPerBatch(), n, 20e-6);
  }

  Extrapolation withServers(int s) {
    return new Extrapolation(workers, s, lanes, serverCores, rttSeconds, bytesPerSecond, frameBytes, rows, batch,
        keysPerBatch, frameSeconds);
  }

  Extrapolation withFrameSeconds(double f) {
    return new Extrapolation(workers, servers, lanes, serverCores, rttSeconds, bytesPerSecond, frameBytes, rows,
        batch, keysPerBatch, f);
  }

  /** F: expected shards a batch touches (n keys hashed uniformly over S x L shards). */
  double framesPerBatch() {
    double shards = (double) servers * lanes;
    return shards * (1 - Math.exp(-keysPerBatch / shards));
  }

  /** Bytes a worker sends and receives per batch: keys twice, values twice (d = 1), frame overheads. */
  double bytesPerBatch() {
    return keysPerBatch * (8 + 4 + 8 + 4) + 4 * framesPerBatch() * frameBytes;
  }

  /**
   * One worker's own path: its CPU (the gradient is in the fitted per-key cost), three sequential
   * round trips (pull, push, clock), its bytes on the wire, its slices' server CPU.
   */
  double chainSeconds(ScalingModel m) {
    double n = keysPerBatch;
    double f = framesPerBatch();
    double serverPart = (2 * n / servers * m.srvKey() + 2 * frameSeconds * f / servers);
    return 2 * n * m.wrkKey() + 2 * f * frameSeconds + 3 * rttSeconds + bytesPerBatch() / bytesPerSecond
        + serverPart;
  }

  /** One server's CPU per round: its share of W batches' keys and frames, over its cores. */
  double serverSeconds(ScalingModel m) {
    return workers * (2 * keysPerBatch / servers * m.srvKey() + 2 * framesPerBatch() / servers * frameSeconds)
        / Math.min(serverCores, lanes);
  }

  /** The scheduler's clock service per round: W clocks under one lock. */
  double schedulerSeconds(ScalingModel m) {
    return workers * m.clock();
  }

  /** One executor's NIC per round: its worker's bytes out plus its server's share of everyone's (symmetric). */
  double networkSeconds() {
    return bytesPerBatch() * Math.max(1.0, (double) workers / servers) / bytesPerSecond;
  }

  /** The extrapolation tables for S in {10, 25, 50, 100} at this cluster's W, at 20 and 60 µs per frame. */
  String report(ScalingModel m) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "Extrapolation: W = %d workers, L = %d lanes, %d server cores, RTT %.0f µs, %.2f GB/s, h = %.0f bytes,"
            + " N = %d, B = %d, n = %.0f; c_k, w_k, c_c as fitted%n", workers, lanes, serverCores, rttSeconds * 1e6,
        bytesPerSecond / 1e9, frameBytes, rows, batch, keysPerBatch));
    for (double f : new double[] {frameSeconds, 3 * frameSeconds}) {
      b.append(String.format(Locale.ROOT, "%nper-frame CPU c_f = w_f = %.0f µs (assumed)%n%n", f * 1e6));
      b.append("| S | F | worker chain ms | server CPU ms | scheduler ms | NIC ms | round ms | bound by | epoch s |"
          + " rows/s |\n|---|---|---|---|---|---|---|---|---|---|\n");
      for (int s : new int[] {10, 25, 50, 100}) {
        b.append(withFrameSeconds(f).withServers(s).row(m));
      }
    }
    return b.toString();
  }

  private String row(ScalingModel m) {
    double[] t = {chainSeconds(m), serverSeconds(m), schedulerSeconds(m), networkSeconds()};
    String[] names = {"worker chain", "server CPU", "scheduler clocks", "network"};
    int worst = 0;
    for (int i = 1; i < t.length; i++) {
      worst = t[i] > t[worst] ? i : worst;
    }
    double rounds = (double) rows / ((double) workers * batch);
    return String.format(Locale.ROOT, "| %d | %.0f | %.2f | %.2f | %.2f | %.3f | %.2f | %s | %.1f | %.2e |%n", servers,
        framesPerBatch(), t[0] * 1e3, t[1] * 1e3, t[2] * 1e3, t[3] * 1e3, t[worst] * 1e3, names[worst],
        rounds * t[worst], rows / (rounds * t[worst]));
  }
}
