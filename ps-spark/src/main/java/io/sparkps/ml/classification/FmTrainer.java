package io.sparkps.ml.classification;

import io.sparkps.core.client.Rows;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.SparseTableHandle;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * Trains a factorization machine on the parameter server: one sparse table of {@code k + 1} floats
 * per feature key (w_j, v_j; the bias in column 0 of key -1), seeded-normal initialized, whose
 * updater is the optimizer; each epoch is one gated training run ({@link FmEpochFunction}). Brings
 * the factors back and drops the tables. Driver-side.
 */
final class FmTrainer {

  /** The trained factors, the training logloss of every epoch, where its time went and its other figures. */
  record Result(FmFactors factors, double[] history, List<EpochBreakdown> breakdown, List<EpochStats> stats) {}

  private static final Ticker TICKER = Ticker.systemTicker();

  private FmTrainer() {}

  /**
   * Tables are {@code name + ".v"} and {@code name + ".loss"}; runs {@code name + "-epoch-" + e}.
   * Every column starts as N(0, initStd), the linear weights w_j included (one initializer per
   * table): with a small initStd that start is as good as zero.
   */
  static Result fit(PsContext ps, String name, JavaRDD<SparseExample> rows, long numFeatures, FmSettings settings,
      double initStd, long seed, FitMonitor monitor) {
    TableSpec spec = TableSpec.sparse(name + ".v", settings.dim()).withUpdater(settings.optimizer())
        .withInitializer(InitializerSpec.normal(0, initStd, seed));
    // Names this fit's prepared batches in the executors' caches (FmEpochFunction).
    String fitId = name + "/" + java.util.UUID.randomUUID();
    try {
      SparseTableHandle factors = ps.sparseTable(spec);
      DenseTableHandle losses = EpochLoss.create(ps, name + ".loss", settings.epochs());
      double[] history = new double[settings.epochs()];
      List<EpochBreakdown> breakdown = new ArrayList<>();
      List<EpochStats> stats = new ArrayList<>();
      for (int e = 0; e < settings.epochs(); e++) {
        EpochTimes times = new EpochTimes();
        // Unnamed: the Spark UI would print its long[] as "[J@..." (the named counters are TaskCounters).
        ps.sparkContext().sc().register(times);
        long start = TICKER.read();
        RunStats run = monitor.epoch(rows, name + "-epoch-" + e, settings.consistency(), e).run(
            new FmEpochFunction(factors, losses, settings, e, fitId, times));
        double seconds = (TICKER.read() - start) / 1e9;
        breakdown.add(EpochBreakdown.of(times, seconds, 0));
        history[e] = EpochLoss.mean(losses, e);
        stats.add(monitor.finished(seconds, run));
        monitor.progress(e, history[e], Double.NaN, Double.NaN, stats.get(e));
      }
      Rows all = factors.pullAll();
      return new Result(FmFactors.of(numFeatures, settings.factorSize(), all.keys(), all.values()), history,
          breakdown, stats);
    } finally {
      BatchCache.dropPrefix(fitId + "/");
      ps.dropTable(name + ".v");
      ps.dropTable(name + ".loss");
    }
  }
}
