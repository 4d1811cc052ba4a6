package io.sparkps.ml.classification;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.streaming.BatchRows;
import io.sparkps.ml.streaming.OnlineLearner;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.TrainFunction;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;

/**
 * {@link PsFactorizationMachines} trained online: its factor table (the spec a fit uses: {@code
 * factorSize + 1} floats per feature, seeded-normal start, the optimizer as updater; named {@code
 * <model>.v}), each micro-batch one epoch of mini-batch training ({@link FmEpochFunction}) over the
 * micro-batch's rows, and snapshots as {@link PsFactorizationMachinesModel}s. Parameters are read
 * when it is created; {@code maxIter} does not apply. Driver-side.
 */
final class FmOnlineLearner implements OnlineLearner<PsFactorizationMachinesModel> {

  private final PsFactorizationMachines estimator;
  private final FmSettings settings;
  private final TableSpec factors;

  FmOnlineLearner(PsFactorizationMachines estimator, String modelName) {
    this.estimator = estimator.copy(ParamMap.empty());
    boolean ftrl = estimator.getOptimizer().equals("ftrl");
    UpdaterSpec opt = PsLogisticRegression.optimizerSpec(estimator.getOptimizer(), estimator.getStepSize(), 0,
        estimator.getRegParam());
    this.settings = new FmSettings(1, estimator.getBatchSize(), estimator.getFactorSize(), opt,
        ftrl ? 0 : estimator.getRegParam(), Consistency.ofStaleness(estimator.getStaleness()));
    this.factors = TableSpec.sparse(modelName + ".v", settings.dim()).withUpdater(opt)
        .withInitializer(InitializerSpec.normal(0, estimator.getInitStd(), estimator.getSeed()));
  }

  @Override
  public List<TableSpec> tables() {
    return List.of(factors);
  }

  @Override
  public Consistency consistency() {
    return settings.consistency();
  }

  @Override
  public BatchRows rows(PsContext ps, Dataset<?> batch) {
    DatasetExamples examples = DatasetExamples.of(batch, "micro-batch rows", "", estimator.getLabelCol(),
        estimator.getFeaturesCol(), null);
    return ExampleBatchRows.of(ps, examples, estimator.getNumPartitions());
  }

  /** The epoch function with the micro-batch's slot as its epoch: its (loss, weight, rows) go to that row of totals. */
  @Override
  public TrainFunction<SparseExample> batchFunction(PsContext ps, DenseTableHandle totals, int slot) {
    // No fit id: a micro-batch is trained once, so its prepared batches are not worth caching.
    return new FmEpochFunction(ps.sparseTable(factors), totals, settings, slot, null, null);
  }

  @Override
  public PsFactorizationMachinesModel snapshot(PsContext ps, long numFeatures) {
    var all = ps.sparseTable(factors).pullAll();
    FmFactors f = FmFactors.of(numFeatures, settings.factorSize(), all.keys(), all.values());
    PsFactorizationMachinesModel model = new PsFactorizationMachinesModel(estimator.uid(), f,
        new PsFactorizationMachinesSummary(new double[0]));
    return estimator.copyValues(model, ParamMap.empty()).setParent(estimator);
  }
}
