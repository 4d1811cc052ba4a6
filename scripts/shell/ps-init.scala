// Loaded by scripts/ps-shell after init.scala, and only when the user jar contains
// io.sparkps.spark.PsContext: binds `ps`, the parameter-server context of this Spark application.
// @transient like `spark` and `sc` (see init.scala): closures that capture a table handle created
// with `ps` must not drag the PsContext (and its SparkContext) along.
@transient val ps = io.sparkps.spark.PsContext.getOrCreate(spark)
println("ps-shell: `ps` is bound (io.sparkps.spark.PsContext)")
