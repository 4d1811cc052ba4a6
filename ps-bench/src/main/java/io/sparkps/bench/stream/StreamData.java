package io.sparkps.bench.stream;

import io.sparkps.examples.data.SyntheticData;
import io.sparkps.examples.data.SyntheticDataFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The shared generator's rows (BENCHMARKS.md) as the stream reads them: the training rows as
 * parquet files of a fixed number of rows ({@code label}, {@code features}), the held-out rows as
 * one more parquet directory, so a later application scores the same rows. Stateless.
 */
final class StreamData {

  /** What the stream and the held-out files hold. */
  static final StructType SCHEMA = new StructType()
      .add("label", DataTypes.DoubleType, false)
      .add("features", SQLDataTypes.VectorType(), false);

  /** Parquet row group size of the training files: a 50,000-row file holds several. */
  static final int ROW_GROUP_BYTES = 1 << 20;

  private StreamData() {}

  /**
   * Writes {@code all}'s training rows under {@code dir/train} in files of {@code rowsPerFile} rows
   * (per partition: a partition's rows not divisible by it leave one shorter file) and its
   * held-out rows under {@code dir/heldout}; returns the number of training files. Row groups of
   * {@link #ROW_GROUP_BYTES}, so a file holds several (as a day's click files do) and Spark's
   * splits of one file all get rows: with one row group, one split reads the whole file and the
   * micro-batch trains on one core (docs/streaming.md).
   */
  static int write(Dataset<Row> all, Path dir, int rowsPerFile) throws IOException {
    SyntheticDataFrames.training(all).select("label", "features").write().option("maxRecordsPerFile", rowsPerFile)
        .option("parquet.block.size", ROW_GROUP_BYTES).parquet(train(dir).toString());
    SyntheticDataFrames.heldOut(all).select("label", "features").write().parquet(heldOut(dir).toString());
    try (Stream<Path> files = Files.list(train(dir))) {
      return (int) files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  /** The shared generator's N rows (seed 42, K = 30) in {@code partitions} partitions, cached and counted. */
  static Dataset<Row> generate(SparkSession spark, long n, long d, int partitions) {
    SyntheticData gen = SyntheticData.of(n, d, SyntheticData.DEFAULT_K, SyntheticData.DEFAULT_SEED);
    Dataset<Row> all = SyntheticDataFrames.generate(spark, gen, partitions).cache();
    all.count();
    return all;
  }

  static Path train(Path dir) {
    return dir.resolve("train");
  }

  static Path heldOut(Path dir) {
    return dir.resolve("heldout");
  }

  /** The held-out rows written by {@link #write}, cached. */
  static Dataset<Row> readHeldOut(SparkSession spark, Path dir) {
    Dataset<Row> held = spark.read().schema(SCHEMA).parquet(heldOut(dir).toString()).cache();
    held.count();
    return held;
  }
}
