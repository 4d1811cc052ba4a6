package io.sparkps.ml.classification;

import io.sparkps.ml.SparkInterop;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.types.StructType;

/**
 * What the binary classifiers' estimators share: the uid, the input and output column Params and
 * threshold (named and documented as spark.ml's), validating chained setters, the schema check,
 * and {@code copy}. Subclasses add their hyper-parameters and {@code fit}.
 */
public abstract class ProbabilisticBinaryEstimator<E extends ProbabilisticBinaryEstimator<E, M>, M extends Model<M>>
    extends Estimator<M> implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;
  private final DoubleParam threshold;

  /** The uid is assigned before any Param is created: Params are owned by their parent's uid. */
  protected ProbabilisticBinaryEstimator(String uid) {
    this.uid = uid;
    featuresCol = PsParams.column(this, "featuresCol", "features column name");
    labelCol = PsParams.column(this, "labelCol", "label column name (0 or 1)");
    predictionCol = PsParams.column(this, "predictionCol", "prediction column name");
    probabilityCol = PsParams.column(this, "probabilityCol", "column for predicted class probabilities");
    rawPredictionCol = PsParams.column(this, "rawPredictionCol", "raw prediction (confidence) column name");
    threshold = PsParams.unit(this, "threshold", "probability above which the prediction is 1");
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
    setDefault(threshold, 0.5);
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- Params (spark.ml finds Params through public no-argument methods) ----

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public DoubleParam threshold() {
    return threshold;
  }

  public E setFeaturesCol(String v) { return put(featuresCol, v); }
  public E setLabelCol(String v) { return put(labelCol, v); }
  public E setPredictionCol(String v) { return put(predictionCol, v); }
  public E setProbabilityCol(String v) { return put(probabilityCol, v); }
  public E setRawPredictionCol(String v) { return put(rawPredictionCol, v); }
  public E setThreshold(double v) { return put(threshold, v); }

  public String getFeaturesCol() { return (String) getOrDefault(featuresCol); }
  public String getLabelCol() { return (String) getOrDefault(labelCol); }
  public double getThreshold() { return (Double) getOrDefault(threshold); }

  /**
   * Sets a param after {@link PsParams#check} (a choice in its listed spelling: "FTRL" is stored as
   * "ftrl"), and returns this estimator for chaining.
   */
  @SuppressWarnings("unchecked")
  protected <T> E put(Param<T> p, T value) {
    T v = PsParams.normalised(p, value);
    PsParams.check(p, v);
    return (E) set(p, v);
  }

  /** Checks further input columns (e.g. an instance weight column); none by default. */
  protected void checkInputs(StructType schema) {}

  @Override
  public StructType transformSchema(StructType schema) {
    SparkInterop.requireVectorColumn(schema, getFeaturesCol());
    SparkInterop.requireNumericColumn(schema, getLabelCol());
    checkInputs(schema);
    return SparkInterop.withClassifierOutputs(schema, (String) getOrDefault(rawPredictionCol),
        (String) getOrDefault(probabilityCol), (String) getOrDefault(predictionCol));
  }

  @SuppressWarnings("unchecked")
  @Override
  public E copy(ParamMap extra) {
    return (E) defaultCopy(extra);
  }
}
