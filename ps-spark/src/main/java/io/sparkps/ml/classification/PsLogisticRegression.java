package io.sparkps.ml.classification;

import io.sparkps.core.config.Ticker;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparkInterop;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.PsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
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
 * applies them itself; the others per example on the touched coordinates). Labels must be 0 or 1.
 *
 * <pre>{@code
 * PsLogisticRegression lr = new PsLogisticRegression().setMethod("downpour").setOptimizer("ftrl").setStaleness(2);
 * PsLogisticRegressionModel model = lr.fit(train);
 * }</pre>
 */
public final class PsLogisticRegression
    extends ProbabilisticBinaryEstimator<PsLogisticRegression, PsLogisticRegressionModel> {

  private static final long serialVersionUID = 1L;
  private static final AtomicLong FITS = new AtomicLong();
  private static final Ticker TICKER = Ticker.systemTicker();

  private final Param<String> weightCol;
  private final Param<String> validationIndicatorCol;
  private final IntParam maxIter;
  private final DoubleParam regParam;
  private final DoubleParam elasticNetParam;
  private final DoubleParam tol;
  private final LongParam seed;
  private final BooleanParam standardization;
  private final Param<String> method;
  private final Param<String> optimizer;
  private final IntParam staleness;
  private final IntParam batchSize;
  private final DoubleParam stepSize;
  private final IntParam numPartitions;
  private final IntParam fetchEvery;
  private final IntParam pushEvery;

  public PsLogisticRegression() {
    this(Identifiable.randomUID("psLogReg"));
  }

  /** The uid is assigned before any Param is created: Params are owned by their parent's uid. */
  public PsLogisticRegression(String uid) {
    super(uid);
    weightCol = PsParams.column(this, "weightCol", "instance weight column name (optional; unset = weight 1)");
    validationIndicatorCol = PsParams.column(this, "validationIndicatorCol", "boolean column: true marks a "
        + "validation row, scored after every epoch and never trained on (optional; unset = train on every row)");
    maxIter = PsParams.atLeast(this, "maxIter", "maximum number of epochs", 1);
    regParam = PsParams.atLeast(this, "regParam", "regularization strength", 0.0);
    elasticNetParam = PsParams.unit(this, "elasticNetParam", "L1 share of the regularization (0 = L2, 1 = L1)");
    tol = PsParams.atLeast(this, "tol", "stop when an epoch changes the training loss by less than this", 0.0);
    seed = PsParams.seed(this);
    standardization = PsParams.flag(this, "standardization",
        "standardize features first; not supported for sparse data (must be false)");
    method = PsParams.oneOf(this, "method", "how the workers solve it", "dgd", "ipm", "downpour", "agd");
    optimizer = PsParams.oneOf(this, "optimizer", "update rule applied by the servers", "sgd", "adagrad", "adam",
        "ftrl");
    staleness = PsParams.atLeast(this, "staleness", "SSP bound for downpour; -1 ASP, 0 BSP", -1);
    batchSize = PsParams.atLeast(this, "batchSize", "rows per mini-batch", 1);
    stepSize = PsParams.positive(this, "stepSize", "learning rate of the optimizer");
    numPartitions = PsParams.atLeast(this, "numPartitions",
        "workers (partitions) to train with; 0 = the input's partitions, capped at the task slots", 0);
    fetchEvery = PsParams.atLeast(this, "fetchEvery", "downpour: pull the weights every this many mini-batches", 1);
    pushEvery = PsParams.atLeast(this, "pushEvery", "downpour: push accumulated gradients every this many mini-batches", 1);
    setDefault(maxIter, 5);
    setDefault(regParam, 0.0);
    setDefault(elasticNetParam, 0.0);
    setDefault(tol, 1e-6);
    setDefault(seed, (long) PsLogisticRegression.class.getName().hashCode());
    setDefault(standardization, false);
    setDefault(method, "dgd");
    setDefault(optimizer, "adagrad");
    setDefault(staleness, 2);
    setDefault(batchSize, 1024);
    setDefault(stepSize, 0.1);
    setDefault(numPartitions, 0);
    setDefault(fetchEvery, 4);
    setDefault(pushEvery, 4);
  }

  // ---- Params (spark.ml finds Params through public no-argument methods) ----

  public Param<String> weightCol() {
    return weightCol;
  }

  public Param<String> validationIndicatorCol() {
    return validationIndicatorCol;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public DoubleParam regParam() {
    return regParam;
  }

  public DoubleParam elasticNetParam() {
    return elasticNetParam;
  }

  public DoubleParam tol() {
    return tol;
  }

  public LongParam seed() {
    return seed;
  }

  public BooleanParam standardization() {
    return standardization;
  }

  public Param<String> method() {
    return method;
  }

  public Param<String> optimizer() {
    return optimizer;
  }

  public IntParam staleness() {
    return staleness;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public DoubleParam stepSize() {
    return stepSize;
  }

  public IntParam numPartitions() {
    return numPartitions;
  }

  public IntParam fetchEvery() {
    return fetchEvery;
  }

  public IntParam pushEvery() {
    return pushEvery;
  }

  // ---- typed setters (chain) and getters ----

  public PsLogisticRegression setWeightCol(String v) { return put(weightCol, v); }
  public PsLogisticRegression setValidationIndicatorCol(String v) { return put(validationIndicatorCol, v); }
  public PsLogisticRegression setMaxIter(int v) { return put(maxIter, v); }
  public PsLogisticRegression setRegParam(double v) { return put(regParam, v); }
  public PsLogisticRegression setElasticNetParam(double v) { return put(elasticNetParam, v); }
  public PsLogisticRegression setTol(double v) { return put(tol, v); }
  public PsLogisticRegression setSeed(long v) { return put(seed, v); }
  public PsLogisticRegression setStandardization(boolean v) { return put(standardization, v); }
  public PsLogisticRegression setMethod(String v) { return put(method, v); }
  public PsLogisticRegression setOptimizer(String v) { return put(optimizer, v); }
  public PsLogisticRegression setStaleness(int v) { return put(staleness, v); }
  public PsLogisticRegression setBatchSize(int v) { return put(batchSize, v); }
  public PsLogisticRegression setStepSize(double v) { return put(stepSize, v); }
  public PsLogisticRegression setNumPartitions(int v) { return put(numPartitions, v); }
  public PsLogisticRegression setFetchEvery(int v) { return put(fetchEvery, v); }
  public PsLogisticRegression setPushEvery(int v) { return put(pushEvery, v); }

  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getRegParam() { return (Double) getOrDefault(regParam); }
  public double getElasticNetParam() { return (Double) getOrDefault(elasticNetParam); }
  public double getTol() { return (Double) getOrDefault(tol); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public boolean getStandardization() { return (Boolean) getOrDefault(standardization); }
  public String getMethod() { return (String) getOrDefault(method); }
  public String getOptimizer() { return (String) getOrDefault(optimizer); }
  public int getStaleness() { return (Integer) getOrDefault(staleness); }
  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  public double getStepSize() { return (Double) getOrDefault(stepSize); }
  public int getNumPartitions() { return (Integer) getOrDefault(numPartitions); }
  public int getFetchEvery() { return (Integer) getOrDefault(fetchEvery); }
  public int getPushEvery() { return (Integer) getOrDefault(pushEvery); }

  // ---- Estimator ----

  @Override
  protected void checkInputs(StructType schema) {
    if (isDefined(weightCol)) {
      SparkInterop.requireNumericColumn(schema, (String) getOrDefault(weightCol));
    }
    if (isDefined(validationIndicatorCol)) {
      SparkInterop.requireBooleanColumn(schema, (String) getOrDefault(validationIndicatorCol));
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
    long numFeatures = ((Vector) dataset.select(getFeaturesCol()).head().get(0)).size();
    Dataset<?> trainSet = dataset;
    JavaRDD<SparseExample> validation = null;
    if (isDefined(validationIndicatorCol)) {
      Column isValidation = functions.col((String) getOrDefault(validationIndicatorCol));
      trainSet = dataset.filter(functions.not(isValidation));
      validation = examples(dataset.filter(isValidation)).persist(StorageLevel.MEMORY_AND_DISK());
    }
    JavaRDD<SparseExample> rows = examples(trainSet);
    rows = TrainingPartitions.spread(ps, rows, getNumPartitions());
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
    LrMethod m = LrMethod.parse(getMethod());
    double l1 = getRegParam() * getElasticNetParam();
    double l2 = getRegParam() * (1 - getElasticNetParam());
    boolean ftrl = getOptimizer().equals("ftrl");
    UpdaterSpec opt = optimizerSpec(getOptimizer(), getStepSize(), l1, l2);
    LrSettings settings = new LrSettings(getMaxIter(), getBatchSize(), opt, ftrl ? 0 : l1, ftrl ? 0 : l2,
        m.consistency(getStaleness()));
    String name = uid() + "-fit-" + FITS.incrementAndGet();
    List<SparseLogisticRegression.EpochResult> epochs = new ArrayList<>();
    List<Double> elapsed = new ArrayList<>();
    double[] validating = {0};
    try {
      TolStop stop = new TolStop(getTol());
      SparseLogisticRegression.Result result = SparseLogisticRegression.train(ps, name, rows, validation, settings,
          m, getFetchEvery(), getPushEvery(), getSeed(), r -> {
            validating[0] += r.evalSeconds();
            epochs.add(r);
            elapsed.add((TICKER.read() - fitStart) / 1e9 - validating[0]);
            stop.observe(r.trainLogLoss());
          }, stop);
      var all = result.weights().pullAll();
      LrWeights w = LrWeights.of(numFeatures, all.keys(), all.values());
      PsLogisticRegressionModel model = new PsLogisticRegressionModel(uid(), w, summary(epochs, elapsed));
      return copyValues(model, ParamMap.empty()).setParent(this);
    } finally {
      rows.unpersist(false);
      if (validation != null) {
        validation.unpersist(false);
      }
      ps.dropTable(name + ".w");
      ps.dropTable(name + ".loss");
    }
  }

  private JavaRDD<SparseExample> examples(Dataset<?> data) {
    Column weight = isDefined(weightCol) ? functions.col((String) getOrDefault(weightCol)) : functions.lit(1.0);
    return data.select(functions.col(getLabelCol()).cast("double"), functions.col(getFeaturesCol()),
        weight.cast("double")).toJavaRDD()
        .map(r -> {
          double label = r.getDouble(0);
          if (label != 0 && label != 1) {
            throw new IllegalArgumentException("labels must be 0 or 1 for binary logistic regression: label=" + label);
          }
          return SparseExample.of(label, (Vector) r.get(1), r.getDouble(2));
        });
  }

  private static PsLogisticRegressionSummary summary(List<SparseLogisticRegression.EpochResult> epochs,
      List<Double> elapsed) {
    int n = epochs.size();
    double[] loss = new double[n];
    double[] vLoss = new double[n];
    double[] vAuc = new double[n];
    double[] seconds = new double[n];
    double[] vSeconds = new double[n];
    for (int e = 0; e < n; e++) {
      SparseLogisticRegression.EpochResult r = epochs.get(e);
      loss[e] = r.trainLogLoss();
      vLoss[e] = r.evalLogLoss();
      vAuc[e] = r.evalAuc();
      seconds[e] = elapsed.get(e);
      vSeconds[e] = r.evalSeconds();
    }
    return new PsLogisticRegressionSummary(loss, vLoss, vAuc, seconds, vSeconds);
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
