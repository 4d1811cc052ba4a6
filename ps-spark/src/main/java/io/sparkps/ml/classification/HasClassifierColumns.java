package io.sparkps.ml.classification;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column Params and threshold as the binary classifiers' estimators and models both show
 * them: the Param accessors and typed getters, written once (spark.ml finds Params through public
 * no-argument methods returning a Param, which these default methods are). The setters stay on
 * the estimator and the model, each returning its own type. Thread-safety is the implementing
 * class's.
 */
public interface HasClassifierColumns extends Params {

  /**
   * The Params this estimator or model declared ({@link ClassifierColumns}, package-private):
   * internal, how the default methods reach them.
   */
  ClassifierColumns classifierColumns();

  default Param<String> featuresCol() {
    return classifierColumns().featuresCol;
  }

  default Param<String> labelCol() {
    return classifierColumns().labelCol;
  }

  default Param<String> predictionCol() {
    return classifierColumns().predictionCol;
  }

  default Param<String> probabilityCol() {
    return classifierColumns().probabilityCol;
  }

  default Param<String> rawPredictionCol() {
    return classifierColumns().rawPredictionCol;
  }

  default DoubleParam threshold() {
    return classifierColumns().threshold;
  }

  default String getFeaturesCol() { return getOrDefault(classifierColumns().featuresCol); }
  default String getLabelCol() { return getOrDefault(classifierColumns().labelCol); }
  default double getThreshold() { return (Double) getOrDefault(classifierColumns().threshold); }
}
