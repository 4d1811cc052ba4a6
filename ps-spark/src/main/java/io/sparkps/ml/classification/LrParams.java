package io.sparkps.ml.classification;

import io.sparkps.core.config.FeatureLifecycle;
import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * {@link PsLogisticRegression}'s hyper-parameters, declared once for the estimator and its model,
 * as spark.ml's {@code LogisticRegressionParams} trait is (Java has no traits with state): each
 * owner gets its own Params, named after its uid, with the defaults set. {@code fit} copies the
 * estimator's values to the model, so a model (a CrossValidator's {@code bestModel} say) shows the
 * settings it was trained with, and keeps them through save and load. Immutable.
 */
final class LrParams implements Serializable {

  private static final long serialVersionUID = 1L;

  final Param<String> weightCol;
  final Param<String> validationIndicatorCol;
  final IntParam maxIter;
  final DoubleParam regParam;
  final DoubleParam elasticNetParam;
  final DoubleParam tol;
  final LongParam seed;
  final BooleanParam standardization;
  final ChoiceParam method;
  final ChoiceParam optimizer;
  final IntParam staleness;
  final IntParam batchSize;
  final DoubleParam stepSize;
  final IntParam numPartitions;
  final IntParam fetchEvery;
  final IntParam pushEvery;
  final LongParam expireAfterClocks;
  final IntParam admitAfter;
  final IntParam admissionSketchBytes;

  /** Declares the Params on {@code owner}, whose uid must be assigned already, and sets their defaults. */
  LrParams(Params owner) {
    weightCol = PsParams.column(owner, "weightCol", "instance weight column name (optional; unset = weight 1)");
    validationIndicatorCol = PsParams.column(owner, "validationIndicatorCol", "boolean column: true marks a "
        + "validation row, scored after every epoch and never trained on (optional; unset = train on every row)");
    maxIter = PsParams.atLeast(owner, "maxIter", "maximum number of epochs", 1);
    regParam = PsParams.atLeast(owner, "regParam", "regularization strength", 0.0);
    elasticNetParam = PsParams.unit(owner, "elasticNetParam", "L1 share of the regularization (0 = L2, 1 = L1)");
    tol = PsParams.atLeast(owner, "tol", "stop when an epoch changes the training loss by less than this", 0.0);
    seed = PsParams.seed(owner);
    standardization = PsParams.flag(owner, "standardization",
        "standardize features first; not supported for sparse data (must be false)");
    method = PsParams.oneOf(owner, "method", "how the workers solve it", "dgd", "ipm", "downpour", "agd");
    optimizer = PsParams.oneOf(owner, "optimizer", "update rule applied by the servers", "sgd", "adagrad", "adam",
        "ftrl");
    staleness = PsParams.atLeast(owner, "staleness", "SSP bound for downpour; -1 ASP, 0 BSP", -1);
    batchSize = PsParams.atLeast(owner, "batchSize", "rows per mini-batch", 1);
    stepSize = PsParams.positive(owner, "stepSize", "learning rate of the optimizer");
    numPartitions = PsParams.atLeast(owner, "numPartitions",
        "workers (partitions) to train with; 0 = the input's partitions, capped at the task slots", 0);
    fetchEvery = PsParams.atLeast(owner, "fetchEvery", "downpour: pull the weights every this many mini-batches", 1);
    pushEvery = PsParams.atLeast(owner, "pushEvery",
        "downpour: push accumulated gradients every this many mini-batches", 1);
    // The weight table's feature lifecycle (docs/features.md).
    expireAfterClocks = new LongParam(owner, "expireAfterClocks", "remove a feature's weight when no update "
        + "touched it during this many clocks (the method's clocks, counted across epochs); 0 = never (>= 0)",
        ParamValidators.gtEq(0));
    admitAfter = new IntParam(owner, "admitAfter", "create a feature's weight on its k-th update, dropping the "
        + "updates before; 1 = at once ([1, " + FeatureLifecycle.MAX_ADMIT_AFTER + "])",
        ParamValidators.inRange(1, FeatureLifecycle.MAX_ADMIT_AFTER));
    admissionSketchBytes = new IntParam(owner, "admissionSketchBytes", "bytes per server shard of the sketch "
        + "counting features not yet admitted ([" + FeatureLifecycle.MIN_SKETCH_BYTES + ", "
        + FeatureLifecycle.MAX_SKETCH_BYTES + "])",
        ParamValidators.inRange(FeatureLifecycle.MIN_SKETCH_BYTES, FeatureLifecycle.MAX_SKETCH_BYTES));
    owner.setDefault(maxIter, 5);
    owner.setDefault(regParam, 0.0);
    owner.setDefault(elasticNetParam, 0.0);
    owner.setDefault(tol, 1e-6);
    owner.setDefault(seed, (long) PsLogisticRegression.class.getName().hashCode());
    owner.setDefault(standardization, false);
    owner.setDefault(method, "dgd");
    owner.setDefault(optimizer, "adagrad");
    owner.setDefault(staleness, 2);
    owner.setDefault(batchSize, 1024);
    owner.setDefault(stepSize, 0.1);
    owner.setDefault(numPartitions, 0);
    owner.setDefault(fetchEvery, 4);
    owner.setDefault(pushEvery, 4);
    owner.setDefault(expireAfterClocks, 0L);
    owner.setDefault(admitAfter, 1);
    owner.setDefault(admissionSketchBytes, FeatureLifecycle.DEFAULT_SKETCH_BYTES);
  }
}
