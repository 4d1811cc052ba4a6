package io.sparkps.bench.stream;

import io.sparkps.bench.e2e.Size;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.ml.streaming.MicroBatchStats;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one streaming benchmark run measured, and the figures derived from it (rates,
 * percentiles, the targets of issue 18). Immutable; built piece by piece by {@link Builder}.
 */
record StreamFigures(Size size, int rowsPerFile, int filesPerTrigger, String config, int fullEvery, int partitions,
    int files, StreamPass.Result pass, Metrics.Evaluation stream, double snapshotSeconds, Metrics.Evaluation batch,
    double batchSeconds, long plainRows, double plainSeconds, Metrics.Evaluation plain, double recoverySeconds,
    long recoveredBatch, List<MicroBatchStats> replayed, Metrics.Evaluation recovered) {

  /** Target: sustained rows per second over the whole pass. */
  static final double TARGET_ROWS_PER_SECOND = 300_000;
  /** Target: the stream's held-out logloss at most this much above one epoch of batch training's. */
  static final double TARGET_LOGLOSS_GAP = 0.005;
  /** Target: a micro-batch's arrival to applied, 99th percentile, seconds. */
  static final double TARGET_APPLIED_P99 = 2.0;

  List<MicroBatchStats> batches() {
    return pass.batches();
  }

  /** Rows over the wall time from the first micro-batch's arrival to the last commit. */
  double sustainedRowsPerSecond() {
    return pass.rows() / pass.wallSeconds();
  }

  /** Rows over the trainer's own time (applied + commit, summed over the micro-batches: progress()). */
  double trainerRowsPerSecond() {
    return pass.rows() / batches().stream().mapToDouble(b -> b.appliedSeconds() + b.commitSeconds()).sum();
  }

  double plainRowsPerSecond() {
    return plainRows / plainSeconds;
  }

  double appliedP50() {
    return percentile(batches().stream().mapToDouble(MicroBatchStats::appliedSeconds).toArray(), 0.50);
  }

  double appliedP99() {
    return percentile(batches().stream().mapToDouble(MicroBatchStats::appliedSeconds).toArray(), 0.99);
  }

  double appliedMean() {
    return batches().stream().mapToDouble(MicroBatchStats::appliedSeconds).average().orElse(Double.NaN);
  }

  double commitMean() {
    return batches().stream().mapToDouble(MicroBatchStats::commitSeconds).average().orElse(Double.NaN);
  }

  /** Mean commit of the micro-batches without a full checkpoint. */
  double commitMeanPlain() {
    return batches().stream().filter(b -> !b.fullCheckpoint()).mapToDouble(MicroBatchStats::commitSeconds)
        .average().orElse(Double.NaN);
  }

  /** Commit seconds of the micro-batches that took a full checkpoint. */
  double[] commitFull() {
    return batches().stream().filter(MicroBatchStats::fullCheckpoint).mapToDouble(MicroBatchStats::commitSeconds)
        .toArray();
  }

  /** Mean over the micro-batches of Spark's duration {@code key} (ms), NaN when Spark reported none. */
  double sparkMeanMs(String key) {
    return batches().stream().map(b -> pass.spark().get(b.batchId())).filter(Objects::nonNull)
        .mapToLong(m -> m.getOrDefault(key, 0L)).average().orElse(Double.NaN);
  }

  /** Mean over the micro-batches of a trigger's time outside {@code addBatch} (ms): listing, planning, logs. */
  double sparkOutsideAddBatchMs() {
    return batches().stream().map(b -> pass.spark().get(b.batchId())).filter(Objects::nonNull)
        .mapToLong(m -> m.getOrDefault("triggerExecution", 0L) - m.getOrDefault("addBatch", 0L)).average()
        .orElse(Double.NaN);
  }

  /** Mean number of map (true) or result stages per micro-batch. */
  double stagesPerBatch(boolean map) {
    return (double) StageTimes.count(pass.stages(), map) / batches().size();
  }

  /** Mean wall time (ms) of a map (true) or result stage. */
  double stageMillis(boolean map) {
    return StageTimes.meanMillis(pass.stages(), map);
  }

  /**
   * What appliedSeconds holds beyond its stages, ms per micro-batch: the driver between them
   * (planning the micro-batch's jobs, RPCs to the scheduler and servers, the row log's directory).
   */
  double driverMillis() {
    double inStages = pass.stages().stream().mapToLong(StageTimes.Stage::millis).sum() / (double) batches().size();
    return appliedMean() * 1000 - inStages;
  }

  /** Spark's durations of micro-batch {@code batchId}, empty when the listener missed it. */
  Map<String, Long> spark(long batchId) {
    return pass.spark().getOrDefault(batchId, Map.of());
  }

  boolean rateMet() {
    return sustainedRowsPerSecond() >= TARGET_ROWS_PER_SECOND;
  }

  boolean loglossMet() {
    return stream.logLoss() - batch.logLoss() <= TARGET_LOGLOSS_GAP;
  }

  boolean latencyMet() {
    return appliedP99() <= TARGET_APPLIED_P99;
  }

  /** Nearest-rank percentile: with 18 micro-batches the 99th is the slowest one. */
  static double percentile(double[] values, double q) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int rank = (int) Math.ceil(q * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }

  /** Collects a run's measurements as they come; not thread-safe. */
  static final class Builder {
    private final Size size;
    private final int rowsPerFile;
    private final int filesPerTrigger;
    private final String config;
    private final int fullEvery;
    private final int partitions;
    private int files;
    private StreamPass.Result pass;
    private Metrics.Evaluation stream;
    private double snapshotSeconds;
    private Metrics.Evaluation batch;
    private double batchSeconds;
    private long plainRows;
    private double plainSeconds;
    private Metrics.Evaluation plain;
    private double recoverySeconds = Double.NaN;
    private long recoveredBatch = -1;
    private List<MicroBatchStats> replayed = List.of();
    private Metrics.Evaluation recovered;

    Builder(Size size, int rowsPerFile, int filesPerTrigger, String config, int fullEvery, int partitions) {
      this.size = size;
      this.rowsPerFile = rowsPerFile;
      this.filesPerTrigger = filesPerTrigger;
      this.config = config;
      this.fullEvery = fullEvery;
      this.partitions = partitions;
    }

    void files(int n) {
      files = n;
    }

    void pass(StreamPass.Result r) {
      pass = r;
    }

    void streamHeldOut(Metrics.Evaluation ev, double snapshot) {
      stream = ev;
      snapshotSeconds = snapshot;
    }

    void batch(Metrics.Evaluation ev, double seconds) {
      batch = ev;
      batchSeconds = seconds;
    }

    void plain(long rows, double seconds, Metrics.Evaluation ev) {
      plainRows = rows;
      plainSeconds = seconds;
      plain = ev;
    }

    void recovery(double seconds, long committed, List<MicroBatchStats> replayedBatches, Metrics.Evaluation ev) {
      recoverySeconds = seconds;
      recoveredBatch = committed;
      replayed = List.copyOf(replayedBatches);
      recovered = ev;
    }

    StreamFigures build() {
      if (pass == null || stream == null || batch == null || plain == null || recovered == null) {
        throw new IllegalStateException("the streaming benchmark did not measure every part (pass, held-out, batch, "
            + "plain pass, recovery)");
      }
      return new StreamFigures(size, rowsPerFile, filesPerTrigger, config, fullEvery, partitions, files, pass, stream,
          snapshotSeconds, batch, batchSeconds, plainRows, plainSeconds, plain, recoverySeconds, recoveredBatch,
          replayed, recovered);
    }
  }
}
