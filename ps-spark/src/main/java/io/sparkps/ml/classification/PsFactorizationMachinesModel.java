package io.sparkps.ml.classification;

import io.sparkps.ml.SparkInterop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A factorization-machine model trained on the parameter server, usable without it: it holds the
 * factors ({@link FmFactors}) and adds {@code rawPrediction} ([-s, s]), {@code probability}
 * ([1-p, p]) and {@code prediction} (p > threshold) columns, as spark.ml's own classifiers do.
 * It carries its estimator's Params with the values it was trained with ({@code getStepSize()},
 * {@code extractParamMap()}), as spark.ml's models do. Saved as Params metadata plus the factor
 * rows in Parquet. Immutable once trained.
 */
public final class PsFactorizationMachinesModel extends ProbabilisticBinaryModel<PsFactorizationMachinesModel>
    implements HasFmParams {

  private static final long serialVersionUID = 1L;

  private final FmParams p;
  private FmFactors factors;
  private PsFactorizationMachinesSummary summary;

  /** For the reader and {@code copy}; a usable model comes from {@link PsFactorizationMachines#fit}. */
  public PsFactorizationMachinesModel(String uid) {
    super(uid);
    p = new FmParams(this);
  }

  PsFactorizationMachinesModel(String uid, FmFactors factors, PsFactorizationMachinesSummary summary) {
    this(uid);
    this.factors = factors;
    this.summary = summary;
  }

  /** Internal: the Params behind {@link HasFmParams}'s accessors. */
  @Override
  public FmParams fmParams() {
    return p;
  }

  // ---- the trained model ----

  public FmFactors factors() {
    return factors;
  }

  public boolean hasSummary() {
    return summary != null;
  }

  /** Training history; present on a freshly trained or loaded model. */
  public PsFactorizationMachinesSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("no training summary on this model (" + uid() + ")");
    }
    return summary;
  }

  public int numFeatures() {
    return (int) factors.numFeatures();
  }

  /** A copy with the same factors and summary (they are immutable, so shared). */
  @Override
  public PsFactorizationMachinesModel copy(ParamMap extra) {
    PsFactorizationMachinesModel copy = copyValues(new PsFactorizationMachinesModel(uid(), factors, summary), extra);
    return copy.setParent(parent());
  }

  @Override
  protected Margin margin() {
    return factors::score;
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<PsFactorizationMachinesModel> read() {
    return new Reader();
  }

  public static PsFactorizationMachinesModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "PsFactorizationMachinesModel: uid=" + uid() + ", " + factors;
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
      if (model.getFactorSize() != k) { // saved before models carried their estimator's Params
        model.set(model.p.factorSize, k);
      }
      return model;
    }
  }
}
