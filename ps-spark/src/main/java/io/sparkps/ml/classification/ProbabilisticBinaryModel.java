package io.sparkps.ml.classification;

import io.sparkps.ml.SparkInterop;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the binary classifiers trained here share as spark.ml Models: the input and output column
 * Params and threshold, and the transform that adds {@code rawPrediction} ([-m, m]), {@code probability}
 * ([1-p, p], p = sigmoid(m)) and {@code prediction} (p > threshold) columns from a margin function,
 * as spark.ml's own classifiers do. Subclasses hold the trained parameters and their persistence.
 */
public abstract class ProbabilisticBinaryModel<M extends ProbabilisticBinaryModel<M>> extends Model<M>
    implements MLWritable, HasClassifierColumns {

  private static final long serialVersionUID = 1L;

  /** The model's score of one feature vector; serialisable so transform can ship it to tasks. */
  @FunctionalInterface
  protected interface Margin extends Serializable {
    double of(Vector features);
  }

  private final String uid;
  private final ClassifierColumns c;

  /** The uid is assigned before any Param is created: Params are owned by their parent's uid. */
  protected ProbabilisticBinaryModel(String uid) {
    this.uid = uid;
    c = new ClassifierColumns(this, "label column name (0 or 1) the model was trained on");
  }

  /** The trained model's margin (log-odds) of a feature vector. */
  protected abstract Margin margin();

  @Override
  public String uid() {
    return uid;
  }

  /** Internal: the Params behind {@link HasClassifierColumns}' accessors. */
  @Override
  public ClassifierColumns classifierColumns() {
    return c;
  }

  public M setThreshold(double value) {
    return put(c.threshold, value);
  }

  public M setFeaturesCol(String value) {
    return put(c.featuresCol, value);
  }

  public M setPredictionCol(String value) {
    return put(c.predictionCol, value);
  }

  public M setProbabilityCol(String value) {
    return put(c.probabilityCol, value);
  }

  public M setRawPredictionCol(String value) {
    return put(c.rawPredictionCol, value);
  }

  @SuppressWarnings("unchecked")
  private <T> M put(Param<T> p, T value) {
    PsParams.check(p, value);
    return (M) set(p, value);
  }

  /** P(label = 1 | features). */
  public double predictProbability(Vector features) {
    return LogisticMath.sigmoid(margin().of(features));
  }

  public double predict(Vector features) {
    return predictProbability(features) > getThreshold() ? 1.0 : 0.0;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SparkInterop.requireVectorColumn(schema, (String) getOrDefault(c.featuresCol));
    return SparkInterop.withClassifierOutputs(schema, (String) getOrDefault(c.rawPredictionCol),
        (String) getOrDefault(c.probabilityCol), (String) getOrDefault(c.predictionCol));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Margin m = margin();
    double t = getThreshold();
    UserDefinedFunction raw = functions.udf((UDF1<Vector, Vector>) x -> {
      double s = m.of(x);
      return Vectors.dense(-s, s);
    }, SQLDataTypes.VectorType());
    UserDefinedFunction prob = functions.udf((UDF1<Vector, Vector>) r -> {
      double p = LogisticMath.sigmoid(r.apply(1));
      return Vectors.dense(1 - p, p);
    }, SQLDataTypes.VectorType());
    UserDefinedFunction pred = functions.udf((UDF1<Vector, Double>) p -> p.apply(1) > t ? 1.0 : 0.0,
        DataTypes.DoubleType);
    String rawCol = (String) getOrDefault(c.rawPredictionCol);
    String probCol = (String) getOrDefault(c.probabilityCol);
    Dataset<Row> out = dataset.toDF()
        .withColumn(rawCol, raw.apply(functions.col((String) getOrDefault(c.featuresCol))))
        .withColumn(probCol, prob.apply(functions.col(rawCol)));
    return out.withColumn((String) getOrDefault(c.predictionCol), pred.apply(functions.col(probCol)));
  }

  @Override
  public void save(String path) throws IOException {
    write().save(path);
  }
}
