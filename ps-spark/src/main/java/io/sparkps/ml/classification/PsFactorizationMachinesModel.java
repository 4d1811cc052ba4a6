package io.sparkps.ml.classification;

import io.sparkps.ml.SparkInterop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
 * A factorization-machine model trained on the parameter server, usable without it: it holds the
 * factors ({@link FmFactors}) and adds {@code rawPrediction} ([-s, s]), {@code probability}
 * ([1-p, p]) and {@code prediction} (p > threshold) columns, as spark.ml's own classifiers do.
 * Saved as Params metadata plus the factor rows in Parquet. Immutable once trained.
 */
public final class PsFactorizationMachinesModel extends Model<PsFactorizationMachinesModel>
    implements MLWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;
  private final DoubleParam threshold;
  private FmFactors factors;
  private PsFactorizationMachinesSummary summary;

  /** For the reader and {@code copy}; a usable model comes from {@link PsFactorizationMachines#fit}. */
  public PsFactorizationMachinesModel(String uid) {
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

  PsFactorizationMachinesModel(String uid, FmFactors factors, PsFactorizationMachinesSummary summary) {
    this(uid);
    this.factors = factors;
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

  public FmFactors factors() {
    return factors;
  }

  public boolean hasSummary() {
    return summary != null;
  }

  /** Training history; present on a freshly trained or loaded model. */
  public PsFactorizationMachinesSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("no training summary on this model (" + uid + ")");
    }
    return summary;
  }

  public int numFeatures() {
    return (int) factors.numFeatures();
  }

  public int factorSize() {
    return factors.factorSize();
  }

  public double getThreshold() {
    return (Double) getOrDefault(threshold);
  }

  public PsFactorizationMachinesModel setThreshold(double value) {
    return put(threshold, value);
  }

  public PsFactorizationMachinesModel setFeaturesCol(String value) {
    return put(featuresCol, value);
  }

  public PsFactorizationMachinesModel setPredictionCol(String value) {
    return put(predictionCol, value);
  }

  public PsFactorizationMachinesModel setProbabilityCol(String value) {
    return put(probabilityCol, value);
  }

  public PsFactorizationMachinesModel setRawPredictionCol(String value) {
    return put(rawPredictionCol, value);
  }

  private <T> PsFactorizationMachinesModel put(Param<T> p, T value) {
    if (!Boolean.TRUE.equals(p.isValid().apply(value))) {
      throw new IllegalArgumentException("invalid value: " + p.name() + "=" + value + " - " + p.doc());
    }
    return (PsFactorizationMachinesModel) set(p, value);
  }

  /** P(label = 1 | features). */
  public double predictProbability(Vector features) {
    return LogisticMath.sigmoid(factors.score(features));
  }

  public double predict(Vector features) {
    return predictProbability(features) > getThreshold() ? 1.0 : 0.0;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SparkInterop.requireVectorColumn(schema, (String) getOrDefault(featuresCol));
    StructType out = schema;
    out = SparkInterop.appendColumn(out, (String) getOrDefault(rawPredictionCol), SQLDataTypes.VectorType());
    out = SparkInterop.appendColumn(out, (String) getOrDefault(probabilityCol), SQLDataTypes.VectorType());
    return SparkInterop.appendColumn(out, (String) getOrDefault(predictionCol), DataTypes.DoubleType);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    FmFactors f = factors;
    double t = getThreshold();
    UserDefinedFunction raw = functions.udf((UDF1<Vector, Vector>) x -> {
      double s = f.score(x);
      return Vectors.dense(-s, s);
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

  /** A copy with the same factors and summary (they are immutable, so shared). */
  @Override
  public PsFactorizationMachinesModel copy(ParamMap extra) {
    PsFactorizationMachinesModel copy = copyValues(new PsFactorizationMachinesModel(uid, factors, summary), extra);
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

  public static MLReader<PsFactorizationMachinesModel> read() {
    return new Reader();
  }

  public static PsFactorizationMachinesModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "PsFactorizationMachinesModel: uid=" + uid + ", " + factors;
  }

  /** Params as metadata (Spark's own format); factor rows and the rest as Parquet under {@code data/}. */
  private static final class Writer extends MLWriter {
    private final PsFactorizationMachinesModel model;

    Writer(PsFactorizationMachinesModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sparkSession());
      FmFactors f = model.factors;
      int dim = f.factorSize() + 1;
      long[] idx = f.indices();
      float[] val = f.values();
      List<Row> rows = new ArrayList<>(idx.length);
      for (int i = 0; i < idx.length; i++) {
        Float[] row = new Float[dim];
        for (int c = 0; c < dim; c++) {
          row[c] = val[i * dim + c];
        }
        rows.add(RowFactory.create(idx[i], Arrays.asList(row)));
      }
      StructType factorSchema = new StructType(new StructField[] {
          DataTypes.createStructField("index", DataTypes.LongType, false),
          DataTypes.createStructField("factors", DataTypes.createArrayType(DataTypes.FloatType, false), false)});
      sparkSession().createDataFrame(rows, factorSchema).repartition(1).write().parquet(path + "/data/factors");
      StructType metaSchema = new StructType(new StructField[] {
          DataTypes.createStructField("numFeatures", DataTypes.LongType, false),
          DataTypes.createStructField("factorSize", DataTypes.IntegerType, false),
          DataTypes.createStructField("bias", DataTypes.DoubleType, false),
          DataTypes.createStructField("objectiveHistory",
              DataTypes.createArrayType(DataTypes.DoubleType, false), true)});
      double[] history = model.summary == null ? null : model.summary.objectiveHistory();
      sparkSession().createDataFrame(List.of(RowFactory.create(f.numFeatures(), f.factorSize(), f.bias(),
          history == null ? null : Arrays.asList(SparkInterop.boxed(history)))), metaSchema)
          .write().parquet(path + "/data/model");
    }
  }

  private static final class Reader extends MLReader<PsFactorizationMachinesModel> {
    @Override
    public PsFactorizationMachinesModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
          PsFactorizationMachinesModel.class.getName());
      Row meta = sparkSession().read().parquet(path + "/data/model").head();
      int k = meta.getInt(1);
      int dim = k + 1;
      List<Row> rs = sparkSession().read().parquet(path + "/data/factors").orderBy("index").collectAsList();
      long[] keys = new long[rs.size() + 1];
      float[] values = new float[(rs.size() + 1) * dim];
      keys[0] = LocalBatch.BIAS_KEY;
      values[0] = (float) meta.getDouble(2);
      for (int i = 0; i < rs.size(); i++) {
        keys[i + 1] = rs.get(i).getLong(0);
        List<Float> row = rs.get(i).getList(1);
        if (row.size() != dim) {
          throw new IllegalStateException("corrupt model at " + path + ": a factor row has " + row.size()
              + " floats, expected factorSize + 1 = " + dim);
        }
        for (int c = 0; c < dim; c++) {
          values[(i + 1) * dim + c] = row.get(c);
        }
      }
      FmFactors factors = FmFactors.of(meta.getLong(0), k, keys, values);
      PsFactorizationMachinesSummary summary = meta.isNullAt(3) ? null
          : new PsFactorizationMachinesSummary(SparkInterop.unboxed(meta.getList(3)));
      PsFactorizationMachinesModel model = new PsFactorizationMachinesModel(metadata.uid(), factors, summary);
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
