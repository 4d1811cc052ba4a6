package io.sparkps.ml.classification;

import io.sparkps.core.config.FeatureLifecycle;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparkInterop;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.streaming.OnlineEstimator;
import io.sparkps.ml.streaming.OnlineLearner;
import io.sparkps.spark.PsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Binary logistic regression trained on the parameter server, as a spark.ml Estimator: use it in a
 * {@code Pipeline}, tune it with {@code CrossValidator}, save and load it. The weights live on the
 * servers while training (a sparse table, so D = 2^27 features is fine) and come back as a
 * {@link PsLogisticRegressionModel} that predicts without the servers.
 *
 * <p>{@code method} picks one of Paracel's four solvers ({@link LrMethod}: dgd, ipm, downpour,
 * agd); {@code optimizer} is the update rule the servers apply (sgd, adagrad, adam, ftrl) with
 * learning rate {@code stepSize}; {@code staleness} bounds downpour's workers (SSP; -1 ASP).
 * {@code maxIter} counts epochs; training stops early when the epoch's training loss changes by
 * less than {@code tol}. {@code regParam} and {@code elasticNetParam} give L2/L1 strength (FTRL
 * applies them itself; the others per example on the touched coordinates). Labels must be 0 or 1;
 * {@code fit} checks the rows before training and fails at once on bad data (an {@code
 * InvalidTrainingDataException} naming the column, value and row).
 *
 * <pre>{@code
 * PsLogisticRegression lr = new PsLogisticRegression().setMethod("downpour").setOptimizer("ftrl").setStaleness(2);
 * PsLogisticRegressionModel model = lr.fit(train);
 * }</pre>
 */
public final class PsLogisticRegression
    extends ProbabilisticBinaryEstimator<PsLogisticRegression, PsLogisticRegressionModel>
    implements HasLrParams, OnlineEstimator<PsLogisticRegressionModel> {

  private static final long serialVersionUID = 1L;
  private static final AtomicLong FITS = new AtomicLong();
  private static final Ticker TICKER = Ticker.systemTicker();

  private final LrParams p;

  public PsLogisticRegression() {
    this(Identifiable.randomUID("psLogReg"));
  }

  /** The uid is assigned before any Param is created: Params are owned by their parent's uid. */
  public PsLogisticRegression(String uid) {
    super(uid);
    p = new LrParams(this);
  }

  /** Internal: the Params behind {@link HasLrParams}'s accessors. */
  @Override
  public LrParams lrParams() {
    return p;
  }

  // ---- typed setters (chain); the getters are HasLrParams' ----

  public PsLogisticRegression setWeightCol(String v) { return put(p.weightCol, v); }
  public PsLogisticRegression setValidationIndicatorCol(String v) { return put(p.validationIndicatorCol, v); }
  public PsLogisticRegression setMaxIter(int v) { return put(p.maxIter, v); }
  public PsLogisticRegression setRegParam(double v) { return put(p.regParam, v); }
  public PsLogisticRegression setElasticNetParam(double v) { return put(p.elasticNetParam, v); }
  public PsLogisticRegression setTol(double v) { return put(p.tol, v); }
  public PsLogisticRegression setSeed(long v) { return put(p.seed, v); }
  public PsLogisticRegression setStandardization(boolean v) { return put(p.standardization, v); }
  public PsLogisticRegression setMethod(String v) { return put(p.method, v); }
  public PsLogisticRegression setOptimizer(String v) { return put(p.optimizer, v); }
  public PsLogisticRegression setStaleness(int v) { return put(p.staleness, v); }
  public PsLogisticRegression setBatchSize(int v) { return put(p.batchSize, v); }
  public PsLogisticRegression setStepSize(double v) { return put(p.stepSize, v); }
  public PsLogisticRegression setNumPartitions(int v) { return put(p.numPartitions, v); }
  public PsLogisticRegression setFetchEvery(int v) { return put(p.fetchEvery, v); }
  public PsLogisticRegression setPushEvery(int v) { return put(p.pushEvery, v); }
  public PsLogisticRegression setExpireAfterClocks(long v) { return put(p.expireAfterClocks, v); }
  public PsLogisticRegression setAdmitAfter(int v) { return put(p.admitAfter, v); }
  public PsLogisticRegression setAdmissionSketchBytes(int v) { return put(p.admissionSketchBytes, v); }

  // ---- Estimator ----

  @Override
  protected void checkInputs(StructType schema) {
    if (isDefined(p.weightCol)) {
      SparkInterop.requireNumericColumn(schema, (String) getOrDefault(p.weightCol));
    }
    if (isDefined(p.validationIndicatorCol)) {
      SparkInterop.requireBooleanColumn(schema, (String) getOrDefault(p.validationIndicatorCol));
    }
  }

  @Override
  public PsLogisticRegressionModel fit(Dataset<?> dataset) {
    long fitStart = TICKER.read();
    if (getStandardization()) {
      throw new IllegalArgumentException("standardization=true is not supported: it would densify sparse "
          + "features (allowed: false); scale features beforehand if needed");
    }
    transformSchema(dataset.schema(), true);
    PsContext ps = PsContext.getOrCreate(dataset.sparkSession());
    String name = uid() + "-fit-" + FITS.incrementAndGet();
    // Every job of the fit (checking rows, training, scoring) in job group `name`, described.
    try (FitMonitor monitor = new FitMonitor(ps, "PsLogisticRegression", name, getMaxIter())) {
      return fit(ps, dataset, name, monitor, fitStart);
    }
  }

  private PsLogisticRegressionModel fit(PsContext ps, Dataset<?> dataset, String name, FitMonitor monitor,
      long fitStart) {
    long declared = SparkInterop.declaredVectorSize(dataset.schema(), getFeaturesCol());
    Dataset<?> trainSet = dataset;
    Dataset<?> validationSet = null;
    if (isDefined(p.validationIndicatorCol)) {
      Column isValidation = functions.col((String) getOrDefault(p.validationIndicatorCol));
      trainSet = dataset.filter(functions.not(isValidation));
      validationSet = dataset.filter(isValidation);
    }
    DatasetExamples trainExamples = examples(trainSet, "training rows", validationSet == null
        ? "fit needs rows to train on" : "fit needs rows whose validationIndicatorCol is false to train on");
    JavaRDD<SparseExample> rows = TrainingPartitions.spread(ps, trainExamples.rows(), getNumPartitions())
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<SparseExample> validation = null;
    try {
      // Converts, checks and caches the rows before any training run: bad data fails here, once.
      long numFeatures = trainExamples.check(rows, declared);
      if (validationSet != null) {
        DatasetExamples v = examples(validationSet, "validation rows",
            "validationIndicatorCol marks no row true; mark some rows true, or unset it");
        validation = v.rows().persist(StorageLevel.MEMORY_AND_DISK());
        v.check(validation, numFeatures);
      }
      return train(ps, name, rows, validation, numFeatures, fitStart, monitor);
    } finally {
      rows.unpersist(false);
      if (validation != null) {
        validation.unpersist(false);
      }
    }
  }

  private PsLogisticRegressionModel train(PsContext ps, String name, JavaRDD<SparseExample> rows,
      JavaRDD<SparseExample> validation, long numFeatures, long fitStart, FitMonitor monitor) {
    LrMethod m = LrMethod.parse(getMethod());
    double l1 = getRegParam() * getElasticNetParam();
    double l2 = getRegParam() * (1 - getElasticNetParam());
    boolean ftrl = getOptimizer().equals("ftrl");
    UpdaterSpec opt = optimizerSpec(getOptimizer(), getStepSize(), l1, l2);
    LrSettings settings = new LrSettings(getMaxIter(), getBatchSize(), opt, ftrl ? 0 : l1, ftrl ? 0 : l2,
        m.consistency(getStaleness()));
    List<SparseLogisticRegression.EpochResult> epochs = new ArrayList<>();
    List<Double> elapsed = new ArrayList<>();
    double[] validating = {0};
    try {
      TolStop stop = new TolStop(getTol());
      SparseLogisticRegression.Result result = SparseLogisticRegression.train(ps, name, rows, validation, settings,
          m, getFetchEvery(), getPushEvery(), getSeed(), lifecycle(), r -> {
            validating[0] += r.evalSeconds();
            epochs.add(r);
            elapsed.add((TICKER.read() - fitStart) / 1e9 - validating[0]);
            stop.observe(r.trainLogLoss());
          }, stop, monitor);
      var all = result.weights().pullAll();
      LrWeights w = LrWeights.of(numFeatures, all.keys(), all.values());
      PsLogisticRegressionModel model = new PsLogisticRegressionModel(uid(), w, summary(epochs, elapsed));
      return copyValues(model, ParamMap.empty()).setParent(this);
    } finally {
      dropIfPresent(ps, name + ".w");
      dropIfPresent(ps, name + ".loss");
    }
  }

  /**
   * This estimator trained online from a stream, with its current parameters: pass it to {@code
   * PsStreamingTrainer.builder}. Each micro-batch is one epoch of {@code method} over its rows;
   * {@code maxIter}, {@code tol} and {@code validationIndicatorCol} do not apply.
   */
  @Override
  public OnlineLearner<PsLogisticRegressionModel> onlineLearner(String modelName) {
    if (getStandardization()) {
      throw new IllegalArgumentException("standardization=true is not supported: it would densify sparse "
          + "features (allowed: false)");
    }
    return new LrOnlineLearner(this, modelName);
  }

  /** The weight table's expiry and admission, from the Params. */
  FeatureLifecycle lifecycle() {
    FeatureLifecycle l = FeatureLifecycle.NONE.withAdmitAfter(getAdmitAfter())
        .withAdmissionSketchBytes(getAdmissionSketchBytes());
    return getExpireAfterClocks() > 0 ? l.withExpireAfterClocks(getExpireAfterClocks()) : l;
  }

  private static void dropIfPresent(PsContext ps, String table) {
    if (ps.routing().table(table).isPresent()) {
      ps.dropTable(table);
    }
  }

  DatasetExamples examples(Dataset<?> data, String what, String whenEmpty) {
    return DatasetExamples.of(data, what, whenEmpty, getLabelCol(), getFeaturesCol(),
        isDefined(p.weightCol) ? (String) getOrDefault(p.weightCol) : null);
  }

  private static PsLogisticRegressionSummary summary(List<SparseLogisticRegression.EpochResult> epochs,
      List<Double> elapsed) {
    int n = epochs.size();
    double[] loss = new double[n];
    double[] vLoss = new double[n];
    double[] vAuc = new double[n];
    double[] seconds = new double[n];
    double[] vSeconds = new double[n];
    List<EpochBreakdown> breakdown = new ArrayList<>();
    List<EpochStats> stats = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      SparseLogisticRegression.EpochResult r = epochs.get(e);
      loss[e] = r.trainLogLoss();
      vLoss[e] = r.evalLogLoss();
      vAuc[e] = r.evalAuc();
      seconds[e] = elapsed.get(e);
      vSeconds[e] = r.evalSeconds();
      breakdown.add(r.breakdown());
      stats.add(r.stats());
    }
    return new PsLogisticRegressionSummary(loss, vLoss, vAuc, seconds, vSeconds, breakdown, stats);
  }

  static UpdaterSpec optimizerSpec(String name, double stepSize, double l1, double l2) {
    switch (name) {
      case "sgd": return UpdaterSpec.sgd(stepSize);
      case "adagrad": return UpdaterSpec.adagrad(stepSize, 1e-8, 1.0);
      case "adam": return UpdaterSpec.adam(stepSize);
      case "ftrl": return UpdaterSpec.ftrl(stepSize, 1.0, l1, l2);
      default: throw new IllegalArgumentException("unknown optimizer: optimizer=" + name + " (sgd, adagrad, adam, ftrl)");
    }
  }

  public static MLReader<PsLogisticRegression> read() {
    return new DefaultParamsReadable<PsLogisticRegression>() { }.read();
  }

  public static PsLogisticRegression load(String path) {
    return read().load(path);
  }
}
