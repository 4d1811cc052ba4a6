package io.sparkps.ml.classification;

import io.sparkps.ml.SparkInterop;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
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
    extends Estimator<M> implements DefaultParamsWritable, HasClassifierColumns {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final ClassifierColumns c;

  /** The uid is assigned before any Param is created: Params are owned by their parent's uid. */
  protected ProbabilisticBinaryEstimator(String uid) {
    this.uid = uid;
    c = new ClassifierColumns(this, "label column name (0 or 1)");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Internal: the Params behind {@link HasClassifierColumns}' accessors. */
  @Override
  public ClassifierColumns classifierColumns() {
    return c;
  }

  public E setFeaturesCol(String v) { return put(c.featuresCol, v); }
  public E setLabelCol(String v) { return put(c.labelCol, v); }
  public E setPredictionCol(String v) { return put(c.predictionCol, v); }
  public E setProbabilityCol(String v) { return put(c.probabilityCol, v); }
  public E setRawPredictionCol(String v) { return put(c.rawPredictionCol, v); }
  public E setThreshold(double v) { return put(c.threshold, v); }

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
    return SparkInterop.withClassifierOutputs(schema, (String) getOrDefault(c.rawPredictionCol),
        (String) getOrDefault(c.probabilityCol), (String) getOrDefault(c.predictionCol));
  }

  @SuppressWarnings("unchecked")
  @Override
  public E copy(ParamMap extra) {
    return (E) defaultCopy(extra);
  }
}
