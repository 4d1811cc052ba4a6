package io.sparkps.ml.classification;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.streaming.BatchRows;
import io.sparkps.ml.streaming.OnlineLearner;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;

/**
 * {@link PsLogisticRegression} trained online: its weight table (the same spec a fit uses, named
 * {@code <model>.w}), each micro-batch one epoch of its method over the micro-batch's rows, and
 * snapshots as {@link PsLogisticRegressionModel}s. Parameters are read when it is created.
 */
final class LrOnlineLearner implements OnlineLearner<PsLogisticRegressionModel> {

  private final PsLogisticRegression estimator;
  private final TableSpec weights;
  private final LrMethod method;
  private final LrSettings settings;

  LrOnlineLearner(PsLogisticRegression estimator, String modelName) {
    this.estimator = estimator.copy(ParamMap.empty());
    this.method = LrMethod.parse(estimator.getMethod());
    double l1 = estimator.getRegParam() * estimator.getElasticNetParam();
    double l2 = estimator.getRegParam() * (1 - estimator.getElasticNetParam());
    boolean ftrl = estimator.getOptimizer().equals("ftrl");
    UpdaterSpec opt = PsLogisticRegression.optimizerSpec(estimator.getOptimizer(), estimator.getStepSize(), l1, l2);
    this.settings = new LrSettings(1, estimator.getBatchSize(), opt, ftrl ? 0 : l1, ftrl ? 0 : l2,
        method.consistency(estimator.getStaleness()));
    this.weights = TableSpec.sparse(modelName + ".w", 1).withUpdater(method.serverUpdater(opt))
        .withLifecycle(estimator.lifecycle());
  }

  @Override
  public List<TableSpec> tables() {
    return List.of(weights);
  }

  @Override
  public Consistency consistency() {
    return settings.consistency();
  }

  @Override
  public BatchRows rows(PsContext ps, Dataset<?> batch) {
    return ExampleBatchRows.of(ps, estimator.examples(batch, "micro-batch rows", ""), estimator.getNumPartitions());
  }

  @Override
  public TrainFunction<SparseExample> batchFunction(PsContext ps, DenseTableHandle totals, int slot) {
    SparseTableHandle w = ps.sparseTable(weights);
    return method.epoch(w, totals, settings, slot, estimator.getFetchEvery(), estimator.getPushEvery(),
        estimator.getSeed());
  }

  @Override
  public PsLogisticRegressionModel snapshot(PsContext ps, long numFeatures) {
    var all = ps.sparseTable(weights).pullAll();
    LrWeights w = LrWeights.of(numFeatures, all.keys(), all.values());
    PsLogisticRegressionModel model = new PsLogisticRegressionModel(estimator.uid(), w,
        new PsLogisticRegressionSummary(new double[0]));
    return estimator.copyValues(model, ParamMap.empty()).setParent(estimator);
  }
}
