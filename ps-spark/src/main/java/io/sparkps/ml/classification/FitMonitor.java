package io.sparkps.ml.classification;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunStats;
import io.sparkps.spark.JobLabels;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.TaskCounters;
import io.sparkps.spark.Training;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a fit shows while it runs: its Spark jobs' group and descriptions (estimator, fit, epoch,
 * the clock range the epoch covers, counted over the whole fit), the named accumulators of its
 * training stages ({@link TaskCounters}), and one INFO line per epoch on the logger {@value
 * #PROGRESS_LOGGER}. One per fit, on the driver thread that fits; {@link #close} puts the caller's
 * job group and description back. Not thread-safe.
 */
final class FitMonitor implements AutoCloseable {

  /** The logger of the per-epoch progress lines (scripts/ps-shell sets it to INFO). */
  static final String PROGRESS_LOGGER = "io.sparkps.ml.progress";
  private static final Logger PROGRESS = LoggerFactory.getLogger(PROGRESS_LOGGER);

  private final PsContext ps;
  private final String estimator;
  private final String fit;
  private final int epochs;
  private final JobLabels labels;
  /** Clocks of the fit's epochs before the current one; an epoch's clocks are known once it ran. */
  private long clocksBefore;
  private long clocksPerEpoch = -1;
  private TaskCounters counters;

  /**
   * @param estimator e.g. {@code PsLogisticRegression} (the fit's name carries the uid)
   * @param fit the fit's name: its job group, and its runs' prefix
   */
  FitMonitor(PsContext ps, String estimator, String fit, int epochs) {
    this.ps = ps;
    this.estimator = estimator;
    this.fit = fit;
    this.epochs = epochs;
    this.labels = JobLabels.group(ps.sparkContext().sc(), fit, estimator + " " + fit);
  }

  /** A monitor for callers without an estimator: labels its jobs with {@code fit} alone. */
  static FitMonitor of(PsContext ps, String fit, int epochs) {
    return new FitMonitor(ps, "spark-ps", fit, epochs);
  }

  /** Epoch {@code epoch}'s training run, labelled and counted. */
  <T> Training<T> epoch(JavaRDD<T> rows, String run, Consistency consistency, int epoch) {
    counters = TaskCounters.register(ps.sparkContext().sc());
    return ps.training(rows, run, consistency).labelled(trainingLabel(epoch)).counting(counters);
  }

  /**
   * {@code PsLogisticRegression psLogReg_1a2b-fit-1 epoch 3/10, clocks 40-59}: the range is predicted
   * from the previous epoch (same rows, same batches), clocks counted over the fit.
   */
  String trainingLabel(int epoch) {
    String clocks = clocksPerEpoch < 0 ? "clocks from " + clocksBefore
        : "clocks " + clocksBefore + "-" + (clocksBefore + clocksPerEpoch - 1);
    return estimator + " " + fit + " epoch " + (epoch + 1) + "/" + epochs + ", " + clocks;
  }

  /** Runs {@code body} (the held-out scoring after epoch {@code epoch}) with its jobs so described. */
  <T> T scoring(int epoch, Supplier<T> body) {
    return labels.describing(estimator + " " + fit + " epoch " + (epoch + 1) + "/" + epochs
        + ": scoring the held-out rows", body);
  }

  /** Epoch {@code epoch}'s figures once its run is done; advances the clock range. */
  EpochStats finished(double seconds, RunStats stats) {
    long clocks = 0;
    for (long c : stats.clocks()) {
      clocks = Math.max(clocks, c);
    }
    clocksBefore += clocks;
    clocksPerEpoch = clocks;
    long blocked = 0;
    for (long b : stats.blockedNanos()) {
      blocked += b;
    }
    return new EpochStats(seconds, counters == null ? -1 : counters.rowsTrained(), stats.maxSkew(), blocked / 1e9);
  }

  /** Logs epoch {@code epoch}'s progress line at INFO. */
  void progress(int epoch, double trainLoss, double heldOutLoss, double heldOutAuc, EpochStats stats) {
    if (PROGRESS.isInfoEnabled()) {
      PROGRESS.info(line(estimator + " " + fit, epoch, epochs, trainLoss, heldOutLoss, heldOutAuc, stats));
    }
  }

  /**
   * {@code PsLogisticRegression psLogReg_1a2b-fit-1 epoch 3/10: training logloss 0.612345, held-out logloss
   * 0.623456, AUC 0.701234, 1.234 s, 81234 rows/s, max staleness 2, blocked at clocks 0.123 s}; the
   * held-out figures only when measured. Package-private for tests.
   */
  static String line(String what, int epoch, int epochs, double trainLoss, double heldOutLoss, double heldOutAuc,
      EpochStats s) {
    StringBuilder b = new StringBuilder(what).append(" epoch ").append(epoch + 1).append('/').append(epochs)
        .append(": training logloss ").append(fmt(trainLoss, 6));
    if (!Double.isNaN(heldOutLoss)) {
      b.append(", held-out logloss ").append(fmt(heldOutLoss, 6)).append(", AUC ").append(fmt(heldOutAuc, 6));
    }
    return b.append(", ").append(fmt(s.seconds(), 3)).append(" s, ").append(fmt(s.rowsPerSecond(), 0))
        .append(" rows/s, max staleness ").append(s.maxStaleness()).append(", blocked at clocks ")
        .append(fmt(s.blockedSeconds(), 3)).append(" s").toString();
  }

  static String fmt(double v, int decimals) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** Puts back the job group and description the thread had before the fit. */
  @Override
  public void close() {
    labels.close();
  }
}
