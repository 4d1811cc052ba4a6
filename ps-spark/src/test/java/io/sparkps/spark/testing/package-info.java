/**
 * Test fixtures for running Spark as separate JVMs from JUnit, without a Spark installation.
 *
 * <p>{@link io.sparkps.spark.testing.StandaloneCluster} starts a real standalone master and workers
 * (each its own JVM, on 127.0.0.1, from the Spark "home" that Maven builds in
 * {@code ps-spark/target/spark-home}) and hands out a {@code SparkConf} for a driver in the test JVM
 * whose executors can load spark-ps's classes and the test's own closures.
 * {@link io.sparkps.spark.testing.ProjectLayout} knows where the project's build outputs, the JVM
 * flags ({@code scripts/jvm.options}) and the scripts are, and which class-path entries executors
 * need on top of Spark's. {@link io.sparkps.spark.testing.TrainingJobs} counts the training jobs
 * (attempts) and failed tasks an application ran.
 *
 * <p>Threading: fixtures are created, used and closed by one test thread; their output-pumping
 * threads are internal.
 */
package io.sparkps.spark.testing;
