package io.sparkps.ml.classification;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The input and output column Params and the threshold of the binary classifiers, named and
 * documented as spark.ml's, declared once for estimators and models ({@link HasClassifierColumns}):
 * each owner gets its own Params, named after its uid, with the defaults set. Immutable.
 */
final class ClassifierColumns implements Serializable {

  private static final long serialVersionUID = 1L;

  final Param<String> featuresCol;
  final Param<String> labelCol;
  final Param<String> predictionCol;
  final Param<String> probabilityCol;
  final Param<String> rawPredictionCol;
  final DoubleParam threshold;

  /**
   * Declares the Params on {@code owner}, whose uid must be assigned already, and sets their
   * defaults; {@code labelDoc} documents the label column.
   */
  ClassifierColumns(Params owner, String labelDoc) {
    featuresCol = PsParams.column(owner, "featuresCol", "features column name");
    labelCol = PsParams.column(owner, "labelCol", labelDoc);
    predictionCol = PsParams.column(owner, "predictionCol", "prediction column name");
    probabilityCol = PsParams.column(owner, "probabilityCol", "column for predicted class probabilities");
    rawPredictionCol = PsParams.column(owner, "rawPredictionCol", "raw prediction (confidence) column name");
    threshold = PsParams.unit(owner, "threshold", "probability above which the prediction is 1");
    owner.setDefault(featuresCol, "features");
    owner.setDefault(labelCol, "label");
    owner.setDefault(predictionCol, "prediction");
    owner.setDefault(probabilityCol, "probability");
    owner.setDefault(rawPredictionCol, "rawPrediction");
    owner.setDefault(threshold, 0.5);
  }
}
