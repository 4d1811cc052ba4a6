package io.sparkps.ml.classification;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Small labelled data for estimator tests: sparse rows under a hidden logistic model, and a tabular set. */
final class TinyData {

  static final int FEATURES = 1_000;

  private TinyData() {}

  static Dataset<Row> sparse(SparkSession spark, int rows, long seed) {
    Random rnd = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int[] idx = rnd.ints(0, FEATURES).distinct().limit(8).sorted().toArray();
      double[] val = new double[idx.length];
      double z = -0.2;
      for (int k = 0; k < idx.length; k++) {
        val[k] = 1.0;
        z += new Random(idx[k] * 7919L).nextGaussian();
      }
      double label = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
      out.add(RowFactory.create(label, Vectors.sparse(FEATURES, idx, val)));
    }
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});
    return spark.createDataFrame(out, schema);
  }

  /** Tabular rows (string, string, numeric) whose label depends on all three. */
  static Dataset<Row> tabular(SparkSession spark, int rows, long seed) {
    Random rnd = new Random(seed);
    String[] cities = {"paris", "lyon", "nice", "lille", "brest"};
    String[] devices = {"phone", "tablet", "desktop"};
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int c = rnd.nextInt(cities.length);
      int d = rnd.nextInt(devices.length);
      double age = 18 + rnd.nextInt(60);
      double z = (c - 2) * 0.8 + (d == 0 ? 1.2 : -0.6) + (age - 45) / 20.0;
      double label = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
      out.add(RowFactory.create(cities[c], devices[d], age, label));
    }
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("city", DataTypes.StringType, false),
        DataTypes.createStructField("device", DataTypes.StringType, false),
        DataTypes.createStructField("age", DataTypes.DoubleType, false),
        DataTypes.createStructField("label", DataTypes.DoubleType, false)});
    return spark.createDataFrame(out, schema);
  }
}
