package io.sparkps.ml.classification;

import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.FeatureLifecycle;
import io.sparkps.core.config.TableSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.SparseTableHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;

/**
 * Sparse binary logistic regression on the parameter server: the weights live in a sparse table
 * (one float per feature, plus the bias) whose updater is the optimizer; each epoch is one gated
 * training run over the partitions, mini-batch by mini-batch (see {@link LrEpochFunction}); after
 * each epoch the held-out set is scored by pulling only the weights its rows touch. Thread-safe
 * as far as Spark jobs are.
 */
public final class SparseLogisticRegression {

  /**
   * What one epoch achieved. {@code trainLogLoss} is the mean loss of every training row, each
   * measured when its mini-batch was trained (a batch replayed after a failure counts once);
   * {@code evalLogLoss}/{@code evalAuc} are NaN without a held-out set; {@code seconds} is the
   * epoch's training time, {@code evalSeconds} the held-out scoring after it; {@code breakdown}
   * says where the epoch's time went, {@code stats} the rows, staleness and blocked time.
   */
  public record EpochResult(int epoch, double trainLogLoss, double evalLogLoss, double evalAuc,
      double seconds, double evalSeconds, long maxBlockedMillis, EpochBreakdown breakdown, EpochStats stats) {

    /** A result without rows, staleness or blocked time (unmeasured). */
    public EpochResult(int epoch, double trainLogLoss, double evalLogLoss, double evalAuc, double seconds,
        double evalSeconds, long maxBlockedMillis, EpochBreakdown breakdown) {
      this(epoch, trainLogLoss, evalLogLoss, evalAuc, seconds, evalSeconds, maxBlockedMillis, breakdown,
          EpochStats.unmeasured());
    }

    /** A result without a breakdown (all its phases NaN). */
    public EpochResult(int epoch, double trainLogLoss, double evalLogLoss, double evalAuc, double seconds,
        double evalSeconds, long maxBlockedMillis) {
      this(epoch, trainLogLoss, evalLogLoss, evalAuc, seconds, evalSeconds, maxBlockedMillis,
          EpochBreakdown.unmeasured());
    }
  }

  /** The trained weights (still on the servers) and the per-epoch history. */
  public record Result(SparseTableHandle weights, List<EpochResult> epochs) {}

  /** Called on the driver after every epoch (progress output, early stopping decisions). */
  @FunctionalInterface
  public interface EpochListener {
    void epoch(EpochResult result);
  }

  private static final io.sparkps.core.config.Ticker TICKER = io.sparkps.core.config.Ticker.systemTicker();

  private SparseLogisticRegression() {}

  /**
   * Trains for {@code settings.epochs()} epochs. Tables are named {@code name + ".w"} and
   * {@code name + ".loss"}; runs {@code name + "-epoch-" + e}. An existing weights table of that
   * name (restored from a checkpoint, say) is trained further; the loss table starts afresh.
   * Invalid rows (a label other than 0 or 1, a non-finite value or weight, a negative index or
   * weight) fail the first epoch at once with an {@code InvalidTrainingDataException}.
   */
  public static Result train(PsContext ps, String name, JavaRDD<SparseExample> train,
      JavaRDD<SparseExample> heldOut, LrSettings settings, EpochListener listener) {
    return train(ps, name, train, heldOut, settings, LrMethod.DGD, 4, 4, 0L, listener, () -> false);
  }

  /**
   * Trains with one of Paracel's methods ({@link LrMethod}); {@code settings.consistency()} gates the
   * workers (callers pass {@link LrMethod#consistency}); {@code fetchEvery}/{@code pushEvery} are
   * Downpour's windows; {@code seed} orders IPM's local passes; {@code stop} is asked after every
   * epoch whether to end early. Its Spark jobs are in job group {@code name} while it runs.
   */
  public static Result train(PsContext ps, String name, JavaRDD<SparseExample> train,
      JavaRDD<SparseExample> heldOut, LrSettings settings, LrMethod method, int fetchEvery, int pushEvery,
      long seed, EpochListener listener, java.util.function.BooleanSupplier stop) {
    return train(ps, name, train, heldOut, settings, method, fetchEvery, pushEvery, seed, FeatureLifecycle.NONE,
        listener, stop);
  }

  /**
   * Like {@link #train(PsContext, String, JavaRDD, JavaRDD, LrSettings, LrMethod, int, int, long,
   * EpochListener, java.util.function.BooleanSupplier)}, with the weight table's expiry and admission
   * ({@code lifecycle}, see docs/features.md).
   */
  public static Result train(PsContext ps, String name, JavaRDD<SparseExample> train,
      JavaRDD<SparseExample> heldOut, LrSettings settings, LrMethod method, int fetchEvery, int pushEvery,
      long seed, FeatureLifecycle lifecycle, EpochListener listener, java.util.function.BooleanSupplier stop) {
    try (FitMonitor monitor = FitMonitor.of(ps, name, settings.epochs())) {
      return train(ps, name, train, heldOut, settings, method, fetchEvery, pushEvery, seed, lifecycle, listener,
          stop, monitor);
    }
  }

  /** As above; {@code monitor} labels the jobs and logs each epoch's progress line. */
  static Result train(PsContext ps, String name, JavaRDD<SparseExample> train,
      JavaRDD<SparseExample> heldOut, LrSettings settings, LrMethod method, int fetchEvery, int pushEvery,
      long seed, FeatureLifecycle lifecycle, EpochListener listener, java.util.function.BooleanSupplier stop,
      FitMonitor monitor) {
    SparseTableHandle weights = ps.sparseTable(TableSpec.sparse(name + ".w", 1)
        .withUpdater(method.serverUpdater(settings.optimizer())).withLifecycle(lifecycle));
    DenseTableHandle losses = EpochLoss.create(ps, name + ".loss", settings.epochs());
    // Names this call's prepared batches in the executors' caches: a later call may reuse the name.
    String fitId = name + "/" + UUID.randomUUID();
    List<EpochResult> history = new ArrayList<>();
    try {
      for (int e = 0; e < settings.epochs(); e++) {
        EpochTimes times = new EpochTimes();
        // Unnamed: the Spark UI would print its long[] as "[J@..." (the named counters are TaskCounters).
        ps.sparkContext().sc().register(times);
        long start = TICKER.read();
        RunStats stats = monitor.epoch(train, name + "-epoch-" + e, settings.consistency(), e).run(
            method.epoch(weights, losses, settings, e, fetchEvery, pushEvery, seed, fitId, times));
        double loss = EpochLoss.mean(losses, e);
        long trained = TICKER.read();
        double evalLoss = Double.NaN;
        double evalAuc = Double.NaN;
        if (heldOut != null) {
          double[][] py = monitor.scoring(e, () -> predict(weights, heldOut, fitId + "/held-out"));
          evalLoss = Metrics.logLoss(py[0], py[1]);
          evalAuc = Metrics.auc(py[0], py[1]);
        }
        long blocked = 0;
        for (long b : stats.blockedNanos()) {
          blocked = Math.max(blocked, b / 1_000_000);
        }
        double seconds = (trained - start) / 1e9;
        double evalSeconds = (TICKER.read() - trained) / 1e9;
        EpochStats epochStats = monitor.finished(seconds, stats);
        EpochResult r = new EpochResult(e, loss, evalLoss, evalAuc, seconds, evalSeconds, blocked,
            EpochBreakdown.of(times, seconds, evalSeconds), epochStats);
        history.add(r);
        monitor.progress(e, loss, evalLoss, evalAuc, epochStats);
        listener.epoch(r);
        if (stop.getAsBoolean()) {
          break;
        }
      }
    } finally {
      // Frees the batches this JVM's executors (local mode) prepared; other executors' entries age out.
      BatchCache.dropPrefix(fitId + "/");
    }
    return new Result(weights, Collections.unmodifiableList(history));
  }

  /**
   * Scores {@code data} with the weights on the servers: {@code [0]} probabilities, {@code [1]}
   * labels, in partition order. Each partition pulls only the weights its rows touch.
   */
  public static double[][] predict(SparseTableHandle weights, JavaRDD<SparseExample> data) {
    return predict(weights, data, null);
  }

  /**
   * As {@link #predict(SparseTableHandle, JavaRDD)}; with a {@code cacheKey}, each partition's
   * rows are batched once and kept in the executor ({@link BatchCache}) for later calls with the
   * same key and the same data (scoring a held-out set after every epoch).
   */
  static double[][] predict(SparseTableHandle weights, JavaRDD<SparseExample> data, String cacheKey) {
    List<double[][]> parts = data.mapPartitionsWithIndex((partition, it) -> {
      PreparedBatches prepared = cacheKey == null ? PreparedBatches.of(drain(it), 0, weights)
          : BatchCache.get(PreparedBatches.key(cacheKey, partition, 0), () -> PreparedBatches.of(drain(it), 0, weights));
      if (prepared.rows() == 0) {
        return Collections.<double[][]>emptyIterator();
      }
      LocalBatch all = prepared.batch(0);
      float[] w = new float[all.keys.length];
      weights.pullInto(prepared.slices(0), w, 0);
      double[][] out = new double[2][all.size()];
      for (int r = 0; r < all.size(); r++) {
        out[0][r] = LogisticMath.sigmoid(LogisticMath.margin(w, LocalBatch.biasSlot(), all.slots[r], all.values[r]));
        out[1][r] = all.labels[r];
      }
      return Collections.singletonList(out).iterator();
    }, true).collect();
    int n = parts.stream().mapToInt(p -> p[0].length).sum();
    double[][] py = new double[2][n];
    int at = 0;
    for (double[][] p : parts) {
      System.arraycopy(p[0], 0, py[0], at, p[0].length);
      System.arraycopy(p[1], 0, py[1], at, p[1].length);
      at += p[0].length;
    }
    return py;
  }

  private static SparseExample[] drain(java.util.Iterator<SparseExample> it) {
    List<SparseExample> rows = new ArrayList<>();
    it.forEachRemaining(rows::add);
    return rows.toArray(new SparseExample[0]);
  }
}
