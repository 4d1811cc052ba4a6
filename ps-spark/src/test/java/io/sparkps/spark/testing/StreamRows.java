package io.sparkps.spark.testing;

import io.sparkps.ml.SparseExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of the streaming kill test ({@code StreamingDriverKillIT}, {@link StreamingJob}): each
 * with a unique id, a label drawn from {@link CountedLr}'s true model and 10 of
 * {@link CountedLr#FEATURES} unit features, as the file-source stream reads them (schema
 * {@link #SCHEMA}). The test writes {@link #FILES} parquet files of {@link #ROWS_PER_FILE} rows;
 * ids run 0 .. {@link #rows()} - 1 over the files. Stateless.
 */
public final class StreamRows {

  public static final int FILES = 6;
  public static final int ROWS_PER_FILE = 2_000;
  /** Columns: id, label, features (a spark.ml vector). */
  public static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("label", DataTypes.DoubleType, false)
      .add("features", SQLDataTypes.VectorType(), false);

  private StreamRows() {}

  /** Rows written over all files. */
  public static int rows() {
    return FILES * ROWS_PER_FILE;
  }

  /** File {@code file}'s rows (ids file * ROWS_PER_FILE onwards), as the stream's schema. */
  public static List<Row> file(int file) {
    Random rnd = new Random(77_000L + file);
    List<Row> out = new ArrayList<>(ROWS_PER_FILE);
    for (int i = 0; i < ROWS_PER_FILE; i++) {
      SparseExample e = example(rnd);
      int[] idx = Arrays.stream(e.indices()).mapToInt(k -> (int) k).toArray();
      double[] val = new double[idx.length];
      Arrays.fill(val, 1.0);
      out.add(RowFactory.create((long) file * ROWS_PER_FILE + i, e.label(),
          Vectors.sparse(CountedLr.FEATURES, idx, val)));
    }
    return out;
  }

  /** {@code n} held-out rows from the same model (another seed). */
  public static List<SparseExample> heldOut(int n) {
    Random rnd = new Random(99_000L);
    List<SparseExample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(example(rnd));
    }
    return out;
  }

  private static SparseExample example(Random rnd) {
    long[] idx = rnd.ints(0, CountedLr.FEATURES).distinct().limit(10).sorted().asLongStream().toArray();
    float[] val = new float[idx.length];
    Arrays.fill(val, 1f);
    return new SparseExample(rnd.nextDouble() < CountedLr.prob(idx) ? 1 : 0, idx, val);
  }
}
