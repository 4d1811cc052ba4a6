package io.sparkps.ml;

import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The few places the ml classes meet Scala-shaped Spark APIs from Java: schema checks and array
 * conversions. Stateless.
 */
public final class SparkInterop {

  private SparkInterop() {}

  /** Fails unless {@code column} exists and holds spark.ml vectors. */
  public static void requireVectorColumn(StructType schema, String column) {
    DataType type = field(schema, column).dataType();
    if (!type.equals(SQLDataTypes.VectorType())) {
      throw new IllegalArgumentException("column " + column + " must hold org.apache.spark.ml.linalg.Vector, "
          + "found " + type.simpleString() + " (assemble features with VectorAssembler or FeatureHasher)");
    }
  }

  /** Fails unless {@code column} exists and is numeric. */
  public static void requireNumericColumn(StructType schema, String column) {
    DataType type = field(schema, column).dataType();
    if (!(type instanceof org.apache.spark.sql.types.NumericType)) {
      throw new IllegalArgumentException("column " + column + " must be numeric, found " + type.simpleString());
    }
  }

  /** Fails unless {@code column} exists and is boolean. */
  public static void requireBooleanColumn(StructType schema, String column) {
    DataType type = field(schema, column).dataType();
    if (!type.equals(DataTypes.BooleanType)) {
      throw new IllegalArgumentException("column " + column + " must be boolean, found " + type.simpleString());
    }
  }

  /** The vector size {@code column}'s ML attribute metadata declares (VectorAssembler, FeatureHasher), or -1. */
  public static long declaredVectorSize(StructType schema, String column) {
    return AttributeGroup.fromStructField(field(schema, column)).size();
  }

  /** {@code schema} plus a column (none when {@code name} is empty); fails if it already exists. */
  public static StructType appendColumn(StructType schema, String name, DataType type) {
    if (name == null || name.isEmpty()) {
      return schema;
    }
    if (List.of(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("output column " + name + " already exists; choose another name");
    }
    return schema.add(DataTypes.createStructField(name, type, false));
  }

  /** {@code schema} plus a classifier's rawPrediction / probability (vectors) and prediction columns. */
  public static StructType withClassifierOutputs(StructType schema, String rawPrediction, String probability,
      String prediction) {
    StructType out = appendColumn(schema, rawPrediction, SQLDataTypes.VectorType());
    out = appendColumn(out, probability, SQLDataTypes.VectorType());
    return appendColumn(out, prediction, DataTypes.DoubleType);
  }

  private static StructField field(StructType schema, String column) {
    if (!List.of(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("no column named " + column + " (columns: "
          + String.join(", ", schema.fieldNames()) + ")");
    }
    return schema.apply(column);
  }

  public static Double[] boxed(double[] a) {
    Double[] out = new Double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  public static double[] unboxed(List<Double> list) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
