package io.sparkps.ml.classification;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * {@link PsLogisticRegression}'s hyper-parameters as its estimator and its model both show them:
 * the Param accessors and typed getters, written once, as spark.ml's {@code
 * LogisticRegressionParams} trait is. spark.ml finds Params through public no-argument methods
 * returning a Param, and these default methods are such methods of every implementing class. The
 * setters stay on the estimator, which returns its own type. Thread-safety is the implementing
 * class's.
 */
public interface HasLrParams extends Params {

  /**
   * The Params this estimator or model declared ({@link LrParams}, package-private): internal, how
   * the default methods reach them.
   */
  LrParams lrParams();

  default Param<String> weightCol() {
    return lrParams().weightCol;
  }

  default Param<String> validationIndicatorCol() {
    return lrParams().validationIndicatorCol;
  }

  default IntParam maxIter() {
    return lrParams().maxIter;
  }

  default DoubleParam regParam() {
    return lrParams().regParam;
  }

  default DoubleParam elasticNetParam() {
    return lrParams().elasticNetParam;
  }

  default DoubleParam tol() {
    return lrParams().tol;
  }

  default LongParam seed() {
    return lrParams().seed;
  }

  default BooleanParam standardization() {
    return lrParams().standardization;
  }

  default Param<String> method() {
    return lrParams().method;
  }

  default Param<String> optimizer() {
    return lrParams().optimizer;
  }

  default IntParam staleness() {
    return lrParams().staleness;
  }

  default IntParam batchSize() {
    return lrParams().batchSize;
  }

  default DoubleParam stepSize() {
    return lrParams().stepSize;
  }

  default IntParam numPartitions() {
    return lrParams().numPartitions;
  }

  default IntParam fetchEvery() {
    return lrParams().fetchEvery;
  }

  default IntParam pushEvery() {
    return lrParams().pushEvery;
  }

  default LongParam expireAfterClocks() {
    return lrParams().expireAfterClocks;
  }

  default IntParam admitAfter() {
    return lrParams().admitAfter;
  }

  default IntParam admissionSketchBytes() {
    return lrParams().admissionSketchBytes;
  }

  default int getMaxIter() { return (Integer) getOrDefault(lrParams().maxIter); }
  default double getRegParam() { return (Double) getOrDefault(lrParams().regParam); }
  default double getElasticNetParam() { return (Double) getOrDefault(lrParams().elasticNetParam); }
  default double getTol() { return (Double) getOrDefault(lrParams().tol); }
  default long getSeed() { return (Long) getOrDefault(lrParams().seed); }
  default boolean getStandardization() { return (Boolean) getOrDefault(lrParams().standardization); }
  default String getMethod() { return PsParams.choice(this, lrParams().method); }
  default String getOptimizer() { return PsParams.choice(this, lrParams().optimizer); }
  default int getStaleness() { return (Integer) getOrDefault(lrParams().staleness); }
  default int getBatchSize() { return (Integer) getOrDefault(lrParams().batchSize); }
  default double getStepSize() { return (Double) getOrDefault(lrParams().stepSize); }
  default int getNumPartitions() { return (Integer) getOrDefault(lrParams().numPartitions); }
  default int getFetchEvery() { return (Integer) getOrDefault(lrParams().fetchEvery); }
  default int getPushEvery() { return (Integer) getOrDefault(lrParams().pushEvery); }
  default long getExpireAfterClocks() { return (Long) getOrDefault(lrParams().expireAfterClocks); }
  default int getAdmitAfter() { return (Integer) getOrDefault(lrParams().admitAfter); }
  default int getAdmissionSketchBytes() { return (Integer) getOrDefault(lrParams().admissionSketchBytes); }
}
