package io.sparkps.ml.classification;

import io.sparkps.ml.SparkInterop;
import java.util.ArrayList;
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
 * A logistic regression model trained on the parameter server, usable without it: it holds the
 * weights it needs ({@link LrWeights}) and adds {@code rawPrediction} ([-m, m]), {@code probability}
 * ([1-p, p]) and {@code prediction} (p > threshold) columns, as spark.ml's own classifiers do.
 * It carries its estimator's Params with the values it was trained with ({@code getStepSize()},
 * {@code extractParamMap()}), as spark.ml's models do. Saved as Params metadata plus the non-zero
 * weights in Parquet. Immutable once trained.
 */
public final class PsLogisticRegressionModel extends ProbabilisticBinaryModel<PsLogisticRegressionModel>
    implements HasLrParams {

  private static final long serialVersionUID = 1L;

  private final LrParams p;
  private LrWeights weights;
  private PsLogisticRegressionSummary summary;

  /** For the reader and {@code copy}; a usable model comes from {@link PsLogisticRegression#fit}. */
  public PsLogisticRegressionModel(String uid) {
    super(uid);
    p = new LrParams(this);
  }

  PsLogisticRegressionModel(String uid, LrWeights weights, PsLogisticRegressionSummary summary) {
    this(uid);
    this.weights = weights;
    this.summary = summary;
  }

  /** Internal: the Params behind {@link HasLrParams}'s accessors. */
  @Override
  public LrParams lrParams() {
    return p;
  }

  // ---- the trained model ----

  public LrWeights weights() {
    return weights;
  }

  public boolean hasSummary() {
    return summary != null;
  }

  /** Training history; present on a freshly trained or loaded model. */
  public PsLogisticRegressionSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("no training summary on this model (" + uid() + ")");
    }
    return summary;
  }

  public int numFeatures() {
    return (int) weights.numFeatures();
  }

  @Override
  public PsLogisticRegressionModel copy(ParamMap extra) {
    PsLogisticRegressionModel copy = copyValues(new PsLogisticRegressionModel(uid(), weights, summary), extra);
    return copy.setParent(parent());
  }

  @Override
  protected Margin margin() {
    return weights::margin;
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<PsLogisticRegressionModel> read() {
    return new Reader();
  }

  public static PsLogisticRegressionModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "PsLogisticRegressionModel: uid=" + uid() + ", " + weights;
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
          DataTypes.createStructField("bias", DataTypes.DoubleType, false)});
      Object[] meta = new Object[2 + SUMMARY_COLUMNS.length];
      meta[0] = model.weights.numFeatures();
      meta[1] = model.weights.bias();
      PsLogisticRegressionSummary s = model.summary;
      double[][] columns = s == null ? null : new double[][] {s.objectiveHistory(), s.validationLogLoss(),
          s.validationAuc(), s.elapsedSeconds(), s.validationSeconds()};
      for (int c = 0; c < SUMMARY_COLUMNS.length; c++) {
        metaSchema = metaSchema.add(DataTypes.createStructField(SUMMARY_COLUMNS[c],
            DataTypes.createArrayType(DataTypes.DoubleType, false), true));
        meta[2 + c] = columns == null ? null : java.util.Arrays.asList(SparkInterop.boxed(columns[c]));
      }
      // The time breakdown, one column per phase, after the summary's arrays (older models lack them).
      Object[] withPhases = java.util.Arrays.copyOf(meta, meta.length + EpochBreakdown.PHASES.length);
      for (int p = 0; p < EpochBreakdown.PHASES.length; p++) {
        int phase = p;
        metaSchema = metaSchema.add(DataTypes.createStructField(BREAKDOWN_PREFIX + EpochBreakdown.PHASES[p],
            DataTypes.createArrayType(DataTypes.DoubleType, false), true));
        withPhases[meta.length + p] = s == null ? null : java.util.Arrays.asList(SparkInterop.boxed(
            s.epochBreakdown().stream().mapToDouble(b -> b.values()[phase]).toArray()));
      }
      meta = withPhases;
      sparkSession().createDataFrame(List.of(RowFactory.create(meta)), metaSchema).write()
          .parquet(path + "/data/model");
    }
  }

  /** The summary's per-epoch arrays, in the order of the summary's constructor; stored after numFeatures, bias. */
  private static final String[] SUMMARY_COLUMNS = {"objectiveHistory", "validationLogLoss", "validationAuc",
      "elapsedSeconds", "validationSeconds"};

  /** The time breakdown's columns: this prefix and the phase's name ({@link EpochBreakdown#PHASES}). */
  private static final String BREAKDOWN_PREFIX = "breakdown_";

  private static final class Reader extends MLReader<PsLogisticRegressionModel> {
    private static PsLogisticRegressionSummary summary(Row meta) {
      double[][] c = new double[SUMMARY_COLUMNS.length][];
      for (int i = 0; i < c.length; i++) {
        c[i] = SparkInterop.unboxed(meta.getList(2 + i));
      }
      int epochs = c[0].length;
      List<EpochBreakdown> breakdown = new ArrayList<>();
      double[][] phases = new double[EpochBreakdown.PHASES.length][];
      boolean saved = java.util.Arrays.asList(meta.schema().fieldNames())
          .contains(BREAKDOWN_PREFIX + EpochBreakdown.PHASES[0]);
      for (int p = 0; saved && p < phases.length; p++) {
        phases[p] = SparkInterop.unboxed(meta.getList(meta.fieldIndex(BREAKDOWN_PREFIX + EpochBreakdown.PHASES[p])));
      }
      for (int e = 0; e < epochs; e++) {
        breakdown.add(saved ? new EpochBreakdown(phases[0][e], phases[1][e], phases[2][e], phases[3][e],
            phases[4][e], phases[5][e], phases[6][e]) : EpochBreakdown.unmeasured());
      }
      return new PsLogisticRegressionSummary(c[0], c[1], c[2], c[3], c[4], breakdown);
    }

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
      PsLogisticRegressionSummary summary = meta.isNullAt(2) ? null : summary(meta);
      PsLogisticRegressionModel model = new PsLogisticRegressionModel(metadata.uid(), weights, summary);
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
