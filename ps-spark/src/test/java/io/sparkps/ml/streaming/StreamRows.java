package io.sparkps.ml.streaming;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rows for streaming tests: sparse rows under a hidden logistic model; each row also carries its
 * id as a feature of its own (below {@link #ID_FEATURES}, first in the vector), written as one
 * parquet file per micro-batch.
 */
final class StreamRows {

  /** Feature indices [0, ID_FEATURES) carry the row id; the model's features come after. */
  static final int ID_FEATURES = 100_000;
  static final int FEATURES = ID_FEATURES + 1_000;
  static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("label", DataTypes.DoubleType, false),
      DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});

  private StreamRows() {}

  /** {@code rows} rows with ids from {@code firstId}; features 8 of 1,000 plus the id feature. */
  static List<Row> rows(int firstId, int rows, long seed) {
    Random rnd = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int[] f = rnd.ints(0, 1_000).distinct().limit(8).sorted().toArray();
      int[] idx = new int[f.length + 1];
      double[] val = new double[idx.length];
      idx[0] = firstId + i;
      val[0] = 1.0;
      double z = -0.2;
      for (int k = 0; k < f.length; k++) {
        idx[k + 1] = ID_FEATURES + f[k];
        val[k + 1] = 1.0;
        z += new Random(f[k] * 7919L).nextGaussian();
      }
      double label = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
      out.add(RowFactory.create(label, Vectors.sparse(FEATURES, idx, val)));
    }
    return out;
  }

  /**
   * Writes micro-batch files {@code from} to {@code to - 1} of {@code rows} rows each into {@code
   * dir}, in one Spark job (a partition per file), named and timed in file order (the file source
   * takes files by modification time).
   */
  static void writeFiles(SparkSession spark, Path dir, int from, int to, int rows) {
    List<Integer> files = java.util.stream.IntStream.range(from, to).boxed().toList();
    var data = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
        .parallelize(files, files.size()).flatMap(n -> StreamRows.rows(n * rows, rows, 1000 + n).iterator());
    // Written beside, then moved in: the file source must never see a half-written file.
    Path staging = dir.resolveSibling(dir.getFileName() + "-staging").resolve("f" + from);
    spark.createDataFrame(data, SCHEMA).write().mode(SaveMode.Overwrite).parquet(staging.toString());
    try (var written = java.nio.file.Files.list(staging)) {
      List<Path> parts = written.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
      if (parts.size() != files.size()) {
        throw new IllegalStateException("expected " + files.size() + " parquet files, Spark wrote " + parts);
      }
      java.nio.file.Files.createDirectories(dir);
      long now = System.currentTimeMillis();
      for (int i = 0; i < parts.size(); i++) {
        java.nio.file.Files.setLastModifiedTime(parts.get(i), java.nio.file.attribute.FileTime.fromMillis(now + i));
        java.nio.file.Files.move(parts.get(i), dir.resolve(String.format("batch-%04d.parquet", from + i)));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Dataset<Row> heldOut(SparkSession spark, int rows) {
    return spark.createDataFrame(rows(ID_FEATURES - rows, rows, 7), SCHEMA);
  }
}
