package io.sparkps.ml.classification;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * {@link PsFactorizationMachines}' hyper-parameters as its estimator and its model both show
 * them: the Param accessors and typed getters, written once (see {@link HasLrParams}). The setters
 * stay on the estimator, which returns its own type. Thread-safety is the implementing class's.
 */
public interface HasFmParams extends Params {

  /**
   * The Params this estimator or model declared ({@link FmParams}, package-private): internal, how
   * the default methods reach them.
   */
  FmParams fmParams();

  default IntParam maxIter() {
    return fmParams().maxIter;
  }

  default DoubleParam stepSize() {
    return fmParams().stepSize;
  }

  default IntParam batchSize() {
    return fmParams().batchSize;
  }

  default IntParam factorSize() {
    return fmParams().factorSize;
  }

  default DoubleParam initStd() {
    return fmParams().initStd;
  }

  default DoubleParam regParam() {
    return fmParams().regParam;
  }

  default Param<String> optimizer() {
    return fmParams().optimizer;
  }

  default IntParam staleness() {
    return fmParams().staleness;
  }

  default IntParam numPartitions() {
    return fmParams().numPartitions;
  }

  default LongParam seed() {
    return fmParams().seed;
  }

  default int getMaxIter() { return (Integer) getOrDefault(fmParams().maxIter); }
  default double getStepSize() { return (Double) getOrDefault(fmParams().stepSize); }
  default int getBatchSize() { return (Integer) getOrDefault(fmParams().batchSize); }
  default int getFactorSize() { return (Integer) getOrDefault(fmParams().factorSize); }
  default double getInitStd() { return (Double) getOrDefault(fmParams().initStd); }
  default double getRegParam() { return (Double) getOrDefault(fmParams().regParam); }
  default String getOptimizer() { return PsParams.choice(this, fmParams().optimizer); }
  default int getStaleness() { return (Integer) getOrDefault(fmParams().staleness); }
  default int getNumPartitions() { return (Integer) getOrDefault(fmParams().numPartitions); }
  default long getSeed() { return (Long) getOrDefault(fmParams().seed); }
}
