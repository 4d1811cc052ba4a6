package io.sparkps.ml.streaming;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming trainer's record of its micro-batches: the newest {@link #KEPT}, a line each on the
 * progress logger, and the figures the query's progress shows ({@link #metrics}). Thread-safe.
 */
final class TrainerProgress {

  /** The per-micro-batch line, on the logger the estimators' per-epoch lines use. */
  private static final Logger PROGRESS = LoggerFactory.getLogger("io.sparkps.ml.progress");
  static final int KEPT = 1000;
  /** Freshness quantiles are over this many of the newest micro-batches trained from the stream. */
  static final int WINDOW = 100;

  private final String modelName;
  private final Deque<MicroBatchStats> stats = new ArrayDeque<>();

  TrainerProgress(String modelName) {
    this.modelName = modelName;
  }

  /** Keeps {@code s} (dropping the oldest past {@link #KEPT}) and logs its line. */
  synchronized void record(MicroBatchStats s) {
    stats.addLast(s);
    if (stats.size() > KEPT) {
      stats.removeFirst();
    }
    PROGRESS.info("{} {}", modelName, s);
  }

  synchronized List<MicroBatchStats> all() {
    return List.copyOf(stats);
  }

  /** See {@link PsStreamingTrainer#progressMetrics}; {@code rowsTrained} is the model's total. */
  synchronized Map<String, String> metrics(long rowsTrained) {
    if (stats.isEmpty()) {
      return Map.of();
    }
    MicroBatchStats s = stats.peekLast();
    double[] fromStream = stats.stream().filter(b -> !b.replayed()).mapToDouble(MicroBatchStats::appliedSeconds)
        .toArray();
    double[] applied = java.util.Arrays.copyOfRange(fromStream, Math.max(0, fromStream.length - WINDOW),
        fromStream.length);
    java.util.Arrays.sort(applied);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("batchId", Long.toString(s.batchId()));
    m.put("rows", Long.toString(s.rows()));
    m.put("invalidRows", Long.toString(s.invalidRows()));
    m.put("rowsPerSecond", format("%.1f", s.rowsPerSecond()));
    m.put("appliedSeconds", format("%.3f", s.appliedSeconds()));
    if (applied.length > 0) {
      m.put("appliedSecondsP50", format("%.3f", quantile(applied, 0.5)));
      m.put("appliedSecondsP99", format("%.3f", quantile(applied, 0.99)));
    }
    m.put("commitSeconds", format("%.3f", s.commitSeconds()));
    m.put("fullCheckpoint", Boolean.toString(s.fullCheckpoint()));
    m.put("progressiveLogLoss", format("%.5f", s.logLoss()));
    m.put("maxStaleness", Long.toString(s.maxStaleness()));
    m.put("rowsTrained", Long.toString(rowsTrained));
    return m;
  }

  private static String format(String pattern, double v) {
    return String.format(Locale.ROOT, pattern, v);
  }

  /** The {@code q} quantile of sorted {@code v} (nearest rank). */
  private static double quantile(double[] v, double q) {
    return v[Math.min(v.length - 1, (int) Math.ceil(q * v.length) - 1)];
  }
}
