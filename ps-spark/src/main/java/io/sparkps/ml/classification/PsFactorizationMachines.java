package io.sparkps.ml.classification;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.PsContext;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;
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
 * Labels must be 0 or 1.
 *
 * <pre>{@code
 * PsFactorizationMachines fm = new PsFactorizationMachines().setFactorSize(8).setMaxIter(10);
 * PsFactorizationMachinesModel model = fm.fit(train);
 * }</pre>
 */
public final class PsFactorizationMachines
    extends ProbabilisticBinaryEstimator<PsFactorizationMachines, PsFactorizationMachinesModel> {

  private static final long serialVersionUID = 1L;
  private static final AtomicLong FITS = new AtomicLong();

  private final IntParam maxIter;
  private final DoubleParam stepSize;
  private final IntParam batchSize;
  private final IntParam factorSize;
  private final DoubleParam initStd;
  private final DoubleParam regParam;
  private final Param<String> optimizer;
  private final IntParam staleness;
  private final IntParam numPartitions;
  private final LongParam seed;

  public PsFactorizationMachines() {
    this(Identifiable.randomUID("psFM"));
  }

  /** The uid is assigned before any Param is created: Params are owned by their parent's uid. */
  public PsFactorizationMachines(String uid) {
    super(uid);
    maxIter = PsParams.atLeast(this, "maxIter", "number of epochs", 1);
    stepSize = PsParams.positive(this, "stepSize", "learning rate of the optimizer");
    batchSize = PsParams.atLeast(this, "batchSize", "rows per mini-batch", 1);
    factorSize = PsParams.atLeast(this, "factorSize", "length k of each feature's factor vector", 1);
    initStd = PsParams.positive(this, "initStd", "standard deviation of the factors' normal initialization");
    regParam = PsParams.atLeast(this, "regParam", "L2 regularization strength on w and v", 0.0);
    optimizer = PsParams.oneOf(this, "optimizer", "update rule applied by the servers", "sgd", "adagrad", "adam",
        "ftrl");
    staleness = PsParams.atLeast(this, "staleness", "how far workers may drift apart: -1 ASP, 0 BSP, s SSP", -1);
    numPartitions = PsParams.atLeast(this, "numPartitions",
        "workers (partitions) to train with; 0 = the input's partitions, capped at the task slots", 0);
    seed = new LongParam(this, "seed", "random seed of the factors' initialization");
    setDefault(maxIter, 5);
    setDefault(stepSize, 0.1);
    setDefault(batchSize, 1024);
    setDefault(factorSize, 8);
    setDefault(initStd, 0.01);
    setDefault(regParam, 0.0);
    setDefault(optimizer, "adagrad");
    setDefault(staleness, 0);
    setDefault(numPartitions, 0);
    setDefault(seed, (long) PsFactorizationMachines.class.getName().hashCode());
  }

  // ---- Params (spark.ml finds Params through public no-argument methods) ----

  public IntParam maxIter() {
    return maxIter;
  }

  public DoubleParam stepSize() {
    return stepSize;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam factorSize() {
    return factorSize;
  }

  public DoubleParam initStd() {
    return initStd;
  }

  public DoubleParam regParam() {
    return regParam;
  }

  public Param<String> optimizer() {
    return optimizer;
  }

  public IntParam staleness() {
    return staleness;
  }

  public IntParam numPartitions() {
    return numPartitions;
  }

  public LongParam seed() {
    return seed;
  }

  // ---- typed setters (chain) and getters ----

  public PsFactorizationMachines setMaxIter(int v) { return put(maxIter, v); }
  public PsFactorizationMachines setStepSize(double v) { return put(stepSize, v); }
  public PsFactorizationMachines setBatchSize(int v) { return put(batchSize, v); }
  public PsFactorizationMachines setFactorSize(int v) { return put(factorSize, v); }
  public PsFactorizationMachines setInitStd(double v) { return put(initStd, v); }
  public PsFactorizationMachines setRegParam(double v) { return put(regParam, v); }
  public PsFactorizationMachines setOptimizer(String v) { return put(optimizer, v); }
  public PsFactorizationMachines setStaleness(int v) { return put(staleness, v); }
  public PsFactorizationMachines setNumPartitions(int v) { return put(numPartitions, v); }
  public PsFactorizationMachines setSeed(long v) { return put(seed, v); }

  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getStepSize() { return (Double) getOrDefault(stepSize); }
  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  public int getFactorSize() { return (Integer) getOrDefault(factorSize); }
  public double getInitStd() { return (Double) getOrDefault(initStd); }
  public double getRegParam() { return (Double) getOrDefault(regParam); }
  public String getOptimizer() { return (String) getOrDefault(optimizer); }
  public int getStaleness() { return (Integer) getOrDefault(staleness); }
  public int getNumPartitions() { return (Integer) getOrDefault(numPartitions); }
  public long getSeed() { return (Long) getOrDefault(seed); }

  // ---- Estimator ----

  @Override
  public PsFactorizationMachinesModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    PsContext ps = PsContext.getOrCreate(dataset.sparkSession());
    long numFeatures = ((Vector) dataset.select(getFeaturesCol()).head().get(0)).size();
    JavaRDD<SparseExample> rows = dataset.select(functions.col(getLabelCol()).cast("double"),
        functions.col(getFeaturesCol())).toJavaRDD()
        .map(r -> {
          double label = r.getDouble(0);
          if (label != 0 && label != 1) {
            throw new IllegalArgumentException("labels must be 0 or 1 for binary classification: label=" + label);
          }
          return SparseExample.of(label, (Vector) r.get(1));
        });
    rows = TrainingPartitions.spread(ps, rows, getNumPartitions()).persist(StorageLevel.MEMORY_AND_DISK());
    boolean ftrl = getOptimizer().equals("ftrl");
    UpdaterSpec opt = PsLogisticRegression.optimizerSpec(getOptimizer(), getStepSize(), 0, getRegParam());
    FmSettings settings = new FmSettings(getMaxIter(), getBatchSize(), getFactorSize(), opt,
        ftrl ? 0 : getRegParam(), Consistency.ofStaleness(getStaleness()));
    try {
      FmTrainer.Result result = FmTrainer.fit(ps, uid() + "-fit-" + FITS.incrementAndGet(), rows, numFeatures,
          settings, getInitStd(), getSeed());
      PsFactorizationMachinesModel model = new PsFactorizationMachinesModel(uid(), result.factors(),
          new PsFactorizationMachinesSummary(result.history()));
      return copyValues(model, ParamMap.empty()).setParent(this);
    } finally {
      rows.unpersist(false);
    }
  }

  public static MLReader<PsFactorizationMachines> read() {
    return new DefaultParamsReadable<PsFactorizationMachines>() { }.read();
  }

  public static PsFactorizationMachines load(String path) {
    return read().load(path);
  }
}
