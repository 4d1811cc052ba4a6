// Loaded by scripts/ps-shell first: binds `spark` (a SparkSession) and `sc` (its SparkContext).
// The Spark settings arrive as -Dspark.* system properties set by scripts/ps-shell (master, jars,
// executor JVM flags, the directory of classes compiled by this shell), so SparkConf picks them up.
import org.apache.spark.sql.SparkSession
val spark: SparkSession = SparkSession.builder().getOrCreate()
val sc = spark.sparkContext
import spark.implicits._
println(s"ps-shell: Spark ${spark.version} (master ${sc.master}, application ${sc.applicationId}); `spark` and `sc` are bound")
