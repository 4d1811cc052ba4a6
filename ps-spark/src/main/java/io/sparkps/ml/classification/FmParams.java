package io.sparkps.ml.classification;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Params;

/**
 * {@link PsFactorizationMachines}' hyper-parameters, declared once for the estimator and its
 * model (see {@link LrParams}): {@code fit} copies the estimator's values to the model, which keeps
 * them through save and load. Immutable.
 */
final class FmParams implements Serializable {

  private static final long serialVersionUID = 1L;

  final IntParam maxIter;
  final DoubleParam stepSize;
  final IntParam batchSize;
  final IntParam factorSize;
  final DoubleParam initStd;
  final DoubleParam regParam;
  final ChoiceParam optimizer;
  final IntParam staleness;
  final IntParam numPartitions;
  final LongParam seed;

  /** Declares the Params on {@code owner}, whose uid must be assigned already, and sets their defaults. */
  FmParams(Params owner) {
    maxIter = PsParams.atLeast(owner, "maxIter", "number of epochs", 1);
    stepSize = PsParams.positive(owner, "stepSize", "learning rate of the optimizer");
    batchSize = PsParams.atLeast(owner, "batchSize", "rows per mini-batch", 1);
    factorSize = PsParams.atLeast(owner, "factorSize", "length k of each feature's factor vector", 1);
    initStd = PsParams.positive(owner, "initStd", "standard deviation of the factors' normal initialization");
    regParam = PsParams.atLeast(owner, "regParam", "L2 regularization strength on w and v", 0.0);
    optimizer = PsParams.oneOf(owner, "optimizer", "update rule applied by the servers", "sgd", "adagrad", "adam",
        "ftrl");
    staleness = PsParams.atLeast(owner, "staleness", "how far workers may drift apart: -1 ASP, 0 BSP, s SSP", -1);
    numPartitions = PsParams.atLeast(owner, "numPartitions",
        "workers (partitions) to train with; 0 = the input's partitions, capped at the task slots", 0);
    seed = new LongParam(owner, "seed", "random seed of the factors' initialization");
    owner.setDefault(maxIter, 5);
    owner.setDefault(stepSize, 0.1);
    owner.setDefault(batchSize, 1024);
    owner.setDefault(factorSize, 8);
    owner.setDefault(initStd, 0.01);
    owner.setDefault(regParam, 0.0);
    owner.setDefault(optimizer, "adagrad");
    owner.setDefault(staleness, 0);
    owner.setDefault(numPartitions, 0);
    owner.setDefault(seed, (long) PsFactorizationMachines.class.getName().hashCode());
  }
}
