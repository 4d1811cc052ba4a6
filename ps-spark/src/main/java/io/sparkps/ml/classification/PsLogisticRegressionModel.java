package io.sparkps.ml.classification;

import io.sparkps.ml.SparkInterop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A logistic regression model trained on the parameter server, usable without it: it holds the
 * weights it needs ({@link LrWeights}) and adds {@code rawPrediction} ([-m, m]), {@code probability}
 * ([1-p, p]) and {@code prediction} (p > threshold) columns, as spark.ml's own classifiers do.
 * Saved as Params metadata plus the non-zero weights in Parquet. Immutable once trained.
 */
public final class PsLogisticRegressionModel extends Model<PsLogisticRegressionModel> implements MLWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;
  private final DoubleParam threshold;
  private LrWeights weights;
  private PsLogisticRegressionSummary summary;

  /** For the reader and {@code copy}; a usable model comes from {@link PsLogisticRegression#fit}. */
  public PsLogisticRegressionModel(String uid) {
    this.uid = uid;
    featuresCol = PsParams.column(this, "featuresCol", "features column name");
    predictionCol = PsParams.column(this, "predictionCol", "prediction column name");
    probabilityCol = PsParams.column(this, "probabilityCol", "column for predicted class probabilities");
    rawPredictionCol = PsParams.column(this, "rawPredictionCol", "raw prediction (confidence) column name");
    threshold = PsParams.unit(this, "threshold", "probability above which the prediction is 1");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
    setDefault(threshold, 0.5);
  }

  PsLogisticRegressionModel(String uid, LrWeights weights, PsLogisticRegressionSummary summary) {
    this(uid);
    this.weights = weights;
    this.summary = summary;
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- Params (spark.ml finds Params through public no-argument methods) ----

  public Param<String> featuresCol() {
    return featuresCol;
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

  public LrWeights weights() {
    return weights;
  }

  public boolean hasSummary() {
    return summary != null;
  }

  /** Training history; present on a freshly trained or loaded model. */
  public PsLogisticRegressionSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("no training summary on this model (" + uid + ")");
    }
    return summary;
  }

  public int numFeatures() {
    return (int) weights.numFeatures();
  }

  public double getThreshold() {
    return (Double) getOrDefault(threshold);
  }

  public PsLogisticRegressionModel setThreshold(double value) {
    return (PsLogisticRegressionModel) set(threshold, value);
  }

  public PsLogisticRegressionModel setFeaturesCol(String value) {
    return (PsLogisticRegressionModel) set(featuresCol, value);
  }

  public PsLogisticRegressionModel setPredictionCol(String value) {
    return (PsLogisticRegressionModel) set(predictionCol, value);
  }

  public PsLogisticRegressionModel setProbabilityCol(String value) {
    return (PsLogisticRegressionModel) set(probabilityCol, value);
  }

  public PsLogisticRegressionModel setRawPredictionCol(String value) {
    return (PsLogisticRegressionModel) set(rawPredictionCol, value);
  }

  /** P(label = 1 | features). */
  public double predictProbability(Vector features) {
    return LogisticMath.sigmoid(weights.margin(features));
  }

  public double predict(Vector features) {
    return predictProbability(features) > getThreshold() ? 1.0 : 0.0;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SparkInterop.requireVectorColumn(schema, getOrDefault(featuresCol).toString());
    StructType out = schema;
    out = SparkInterop.appendColumn(out, (String) getOrDefault(rawPredictionCol), SQLDataTypes.VectorType());
    out = SparkInterop.appendColumn(out, (String) getOrDefault(probabilityCol), SQLDataTypes.VectorType());
    return SparkInterop.appendColumn(out, (String) getOrDefault(predictionCol), DataTypes.DoubleType);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    LrWeights w = weights;
    double t = getThreshold();
    UserDefinedFunction raw = functions.udf((UDF1<Vector, Vector>) x -> {
      double m = w.margin(x);
      return Vectors.dense(-m, m);
    }, SQLDataTypes.VectorType());
    UserDefinedFunction prob = functions.udf((UDF1<Vector, Vector>) r -> {
      double p = LogisticMath.sigmoid(r.apply(1));
      return Vectors.dense(1 - p, p);
    }, SQLDataTypes.VectorType());
    UserDefinedFunction pred = functions.udf((UDF1<Vector, Double>) p -> p.apply(1) > t ? 1.0 : 0.0,
        DataTypes.DoubleType);
    String rawCol = (String) getOrDefault(rawPredictionCol);
    String probCol = (String) getOrDefault(probabilityCol);
    Dataset<Row> out = dataset.toDF()
        .withColumn(rawCol, raw.apply(functions.col((String) getOrDefault(featuresCol))))
        .withColumn(probCol, prob.apply(functions.col(rawCol)));
    return out.withColumn((String) getOrDefault(predictionCol), pred.apply(functions.col(probCol)));
  }

  @Override
  public PsLogisticRegressionModel copy(ParamMap extra) {
    PsLogisticRegressionModel copy = copyValues(new PsLogisticRegressionModel(uid, weights, summary), extra);
    return copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  @Override
  public void save(String path) throws IOException {
    write().save(path);
  }

  public static MLReader<PsLogisticRegressionModel> read() {
    return new Reader();
  }

  public static PsLogisticRegressionModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "PsLogisticRegressionModel: uid=" + uid + ", " + weights;
  }

  /** Params as metadata (Spark's own format), weights and summary as Parquet under {@code data/}. */
  private static final class Writer extends MLWriter {
    private final PsLogisticRegressionModel model;

    Writer(PsLogisticRegressionModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sparkSession());
      long[] idx = model.weights.indices();
      float[] val = model.weights.values();
      List<Row> rows = new ArrayList<>(idx.length);
      for (int i = 0; i < idx.length; i++) {
        rows.add(RowFactory.create(idx[i], val[i]));
      }
      StructType weightSchema = new StructType(new StructField[] {
          DataTypes.createStructField("index", DataTypes.LongType, false),
          DataTypes.createStructField("value", DataTypes.FloatType, false)});
      sparkSession().createDataFrame(rows, weightSchema).repartition(1).write().parquet(path + "/data/weights");
      StructType metaSchema = new StructType(new StructField[] {
          DataTypes.createStructField("numFeatures", DataTypes.LongType, false),
          DataTypes.createStructField("bias", DataTypes.DoubleType, false),
          DataTypes.createStructField("objectiveHistory",
              DataTypes.createArrayType(DataTypes.DoubleType, false), true)});
      double[] history = model.summary == null ? null : model.summary.objectiveHistory();
      sparkSession().createDataFrame(List.of(RowFactory.create(model.weights.numFeatures(), model.weights.bias(),
          history == null ? null : java.util.Arrays.asList(SparkInterop.boxed(history)))), metaSchema).write().parquet(path + "/data/model");
    }
  }

  private static final class Reader extends MLReader<PsLogisticRegressionModel> {
    @Override
    public PsLogisticRegressionModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
          PsLogisticRegressionModel.class.getName());
      Row meta = sparkSession().read().parquet(path + "/data/model").head();
      List<Row> ws = sparkSession().read().parquet(path + "/data/weights").orderBy("index").collectAsList();
      long[] keys = new long[ws.size() + 1];
      float[] values = new float[ws.size() + 1];
      keys[0] = LocalBatch.BIAS_KEY;
      values[0] = (float) meta.getDouble(1);
      for (int i = 0; i < ws.size(); i++) {
        keys[i + 1] = ws.get(i).getLong(0);
        values[i + 1] = ws.get(i).getFloat(1);
      }
      LrWeights weights = LrWeights.of(meta.getLong(0), keys, values);
      PsLogisticRegressionSummary summary = meta.isNullAt(2) ? null
          : new PsLogisticRegressionSummary(SparkInterop.unboxed(meta.getList(2)));
      PsLogisticRegressionModel model = new PsLogisticRegressionModel(metadata.uid(), weights, summary);
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
