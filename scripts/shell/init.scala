// Loaded by scripts/ps-shell first: binds `spark` (a SparkSession) and `sc` (its SparkContext).
// The Spark settings arrive as -Dspark.* system properties set by scripts/ps-shell (master, jars,
// executor JVM flags, the directory of classes compiled by this shell), so SparkConf picks them up.
// Both are @transient, as in Spark's spark-shell: in the class-based REPL a closure that uses a
// value from an earlier line serialises that line's wrapper, which refers to the wrappers of the
// lines it used; without @transient the SparkSession and SparkContext would go along (and fail).
import org.apache.spark.sql.SparkSession
@transient val spark: SparkSession = SparkSession.builder().getOrCreate()
@transient val sc = spark.sparkContext
import spark.implicits._
println(s"ps-shell: Spark ${spark.version} (master ${sc.master}, application ${sc.applicationId}); `spark` and `sc` are bound")
