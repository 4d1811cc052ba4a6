// Loaded by scripts/ps-shell after init.scala, and only when the user jar contains
// io.sparkps.spark.PsContext: binds `ps`, the parameter-server context of this Spark application.
val ps = io.sparkps.spark.PsContext.getOrCreate(spark)
println("ps-shell: `ps` is bound (io.sparkps.spark.PsContext)")
