package io.sparkps.examples.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link SyntheticData} as a Spark DataFrame in the form spark.ml estimators take: columns {@code label}
 * (double, 0 or 1), {@code features} (an ml {@link SparseVector} of size D with 0-based indices, every value
 * 1.0) and {@code heldOut} (boolean). Rows are generated inside the tasks: partition {@code p} generates rows
 * {@code [partStart(P, p), partStart(P, p + 1))} (see {@link SyntheticData#partStart}) from the configuration
 * alone, so nothing but the small config is shipped, and a recomputed partition yields the same rows. Cache
 * the result if it is read more than once (spark.ml estimators read it once per iteration).
 *
 * <p>Stateless and thread-safe.
 */
public final class SyntheticDataFrames {

  /** The schema: {@code label: double, features: vector, heldOut: boolean}, none nullable. */
  public static final StructType SCHEMA = new StructType()
      .add("label", DataTypes.DoubleType, false)
      .add("features", SQLDataTypes.VectorType(), false)
      .add("heldOut", DataTypes.BooleanType, false);

  private SyntheticDataFrames() {}

  /**
   * All N rows of {@code data} in {@code partitions} partitions, generated lazily by the tasks. D must fit an
   * ml vector ({@code D <= Integer.MAX_VALUE}).
   */
  public static Dataset<Row> generate(SparkSession spark, SyntheticData data, int partitions) {
    if (data.d() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "features: d=" + data.d() + " (allowed [1, 2^31 - 1] for an ml SparseVector)");
    }
    if (partitions < 1 || partitions > 1_000_000) {
      throw new IllegalArgumentException("partitions: partitions=" + partitions + " (allowed [1, 1000000])");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> ids = IntStream.range(0, partitions).boxed().toList();
    // One id per slice: parallelize cuts a list of P elements into P slices of one element each.
    JavaRDD<Row> rows = jsc.parallelize(ids, partitions).flatMap(new PartitionRows(data, partitions));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** The rows with {@code heldOut = false}. */
  public static Dataset<Row> training(Dataset<Row> all) {
    return all.filter(functions.not(functions.col("heldOut")));
  }

  /** The rows with {@code heldOut = true}. */
  public static Dataset<Row> heldOut(Dataset<Row> all) {
    return all.filter(functions.col("heldOut"));
  }

  /** One Spark row: {@code (label, features, heldOut)}. */
  public static Row toSparkRow(SyntheticData data, SyntheticData.Row row) {
    long[] f = row.features();
    int[] indices = new int[f.length];
    double[] values = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      indices[i] = (int) f[i];
      values[i] = 1.0;
    }
    return RowFactory.create(row.label(), new SparseVector((int) data.d(), indices, values), row.heldOut());
  }

  /** Generates the rows of one partition lazily. Serializable: holds only the config. */
  private static final class PartitionRows implements FlatMapFunction<Integer, Row> {
    private static final long serialVersionUID = 1L;

    private final SyntheticData data;
    private final int partitions;

    PartitionRows(SyntheticData data, int partitions) {
      this.data = data;
      this.partitions = partitions;
    }

    @Override
    public Iterator<Row> call(Integer part) {
      long from = data.partStart(partitions, part);
      long to = data.partStart(partitions, part + 1);
      return new Iterator<>() {
        private long next = from;

        @Override
        public boolean hasNext() {
          return next < to;
        }

        @Override
        public Row next() {
          if (next >= to) {
            throw new NoSuchElementException("partition " + part + ": rows [" + from + ", " + to + ") exhausted");
          }
          return toSparkRow(data, data.row(next++));
        }
      };
    }
  }
}
