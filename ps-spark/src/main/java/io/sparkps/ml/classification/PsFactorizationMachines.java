package io.sparkps.ml.classification;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparkInterop;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.streaming.OnlineEstimator;
import io.sparkps.ml.streaming.OnlineLearner;
import io.sparkps.spark.PsContext;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.storage.StorageLevel;

/**
 * Binary classification with a second-order factorization machine (Rendle 2010) trained on the
 * parameter server, as a spark.ml Estimator: {@code score(x) = b + sum_j w_j x_j + sum_{j<l} <v_j,
 * v_l> x_j x_l}, learned by mini-batch gradient descent on the log loss. Unlike logistic regression
 * it learns interactions between features that rarely co-occur, through the shared factors v_j of
 * length {@code factorSize}.
 *
 * <p>The servers hold one sparse table with a row of {@code factorSize + 1} floats per feature (w_j,
 * then v_j) and the bias under key -1; every column starts as N(0, {@code initStd}) with
 * {@code seed} (w_j too: one initializer per table, harmless at the default 0.01). The workers push
 * gradients and the servers apply {@code optimizer} (sgd, adagrad (default), adam, ftrl) with
 * learning rate {@code stepSize}; FTRL on factors is unusual but allowed. {@code regParam} is L2 on
 * w and v, per example on the rows it touches (FTRL applies it itself). {@code staleness} gates the
 * workers between mini-batches: 0 BSP (default), s > 0 SSP, -1 ASP. {@code maxIter} counts epochs.
 * Labels must be 0 or 1; {@code fit} checks the rows before training and fails at once on bad data.
 *
 * <pre>{@code
 * PsFactorizationMachines fm = new PsFactorizationMachines().setFactorSize(8).setMaxIter(10);
 * PsFactorizationMachinesModel model = fm.fit(train);
 * }</pre>
 *
 * <p>It also trains online, one epoch per micro-batch of a stream, through {@code
 * PsStreamingTrainer.builder(fm)} (docs/streaming.md).
 */
public final class PsFactorizationMachines
    extends ProbabilisticBinaryEstimator<PsFactorizationMachines, PsFactorizationMachinesModel>
    implements HasFmParams, OnlineEstimator<PsFactorizationMachinesModel> {

  private static final long serialVersionUID = 1L;
  private static final AtomicLong FITS = new AtomicLong();

  private final FmParams p;

  public PsFactorizationMachines() {
    this(Identifiable.randomUID("psFM"));
  }

  /** The uid is assigned before any Param is created: Params are owned by their parent's uid. */
  public PsFactorizationMachines(String uid) {
    super(uid);
    p = new FmParams(this);
  }

  /** Internal: the Params behind {@link HasFmParams}'s accessors. */
  @Override
  public FmParams fmParams() {
    return p;
  }

  // ---- typed setters (chain); the getters are HasFmParams' ----

  public PsFactorizationMachines setMaxIter(int v) { return put(p.maxIter, v); }
  public PsFactorizationMachines setStepSize(double v) { return put(p.stepSize, v); }
  public PsFactorizationMachines setBatchSize(int v) { return put(p.batchSize, v); }
  public PsFactorizationMachines setFactorSize(int v) { return put(p.factorSize, v); }
  public PsFactorizationMachines setInitStd(double v) { return put(p.initStd, v); }
  public PsFactorizationMachines setRegParam(double v) { return put(p.regParam, v); }
  public PsFactorizationMachines setOptimizer(String v) { return put(p.optimizer, v); }
  public PsFactorizationMachines setStaleness(int v) { return put(p.staleness, v); }
  public PsFactorizationMachines setNumPartitions(int v) { return put(p.numPartitions, v); }
  public PsFactorizationMachines setSeed(long v) { return put(p.seed, v); }

  // ---- Estimator ----

  @Override
  public PsFactorizationMachinesModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    PsContext ps = PsContext.getOrCreate(dataset.sparkSession());
    String name = uid() + "-fit-" + FITS.incrementAndGet();
    // Every job of the fit (checking rows, training) in job group `name`, described.
    try (FitMonitor monitor = new FitMonitor(ps, "PsFactorizationMachines", name, getMaxIter())) {
      return fit(ps, dataset, name, monitor);
    }
  }

  private PsFactorizationMachinesModel fit(PsContext ps, Dataset<?> dataset, String name, FitMonitor monitor) {
    long declared = SparkInterop.declaredVectorSize(dataset.schema(), getFeaturesCol());
    DatasetExamples examples = DatasetExamples.of(dataset, "training rows", "fit needs rows to train on",
        getLabelCol(), getFeaturesCol(), null);
    JavaRDD<SparseExample> rows = TrainingPartitions.spread(ps, examples.rows(), getNumPartitions())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Converts, checks and caches the rows before any training run: bad data fails here, once.
      long numFeatures = examples.check(rows, declared);
      boolean ftrl = getOptimizer().equals("ftrl");
      UpdaterSpec opt = PsLogisticRegression.optimizerSpec(getOptimizer(), getStepSize(), 0, getRegParam());
      FmSettings settings = new FmSettings(getMaxIter(), getBatchSize(), getFactorSize(), opt,
          ftrl ? 0 : getRegParam(), Consistency.ofStaleness(getStaleness()));
      FmTrainer.Result result = FmTrainer.fit(ps, name, rows, numFeatures, settings, getInitStd(), getSeed(),
          monitor);
      PsFactorizationMachinesModel model = new PsFactorizationMachinesModel(uid(), result.factors(),
          new PsFactorizationMachinesSummary(result.history(), result.breakdown(), result.stats()));
      return copyValues(model, ParamMap.empty()).setParent(this);
    } finally {
      rows.unpersist(false);
    }
  }

  /**
   * This estimator trained online from a stream, with its current parameters: pass it to {@code
   * PsStreamingTrainer.builder}. Each micro-batch is one epoch of mini-batch training over its
   * rows; {@code maxIter} does not apply.
   */
  @Override
  public OnlineLearner<PsFactorizationMachinesModel> onlineLearner(String modelName) {
    return new FmOnlineLearner(this, modelName);
  }

  public static MLReader<PsFactorizationMachines> read() {
    return new DefaultParamsReadable<PsFactorizationMachines>() { }.read();
  }

  public static PsFactorizationMachines load(String path) {
    return read().load(path);
  }
}
