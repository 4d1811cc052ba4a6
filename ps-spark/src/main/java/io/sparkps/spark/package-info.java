/**
 * Spark integration. {@link io.sparkps.spark.PsPlugin} ({@code spark.plugins}) starts the
 * scheduler in the driver and a server in each executor; {@link io.sparkps.spark.PsContext} is the
 * driver-side entry point (tables, training runs: {@code train}, or {@code training(data, run,
 * consistency)} returning a {@link io.sparkps.spark.Training} whose {@code run(fn)} takes a Scala
 * lambda without parameter types); {@link io.sparkps.spark.SparseTableHandle} and
 * {@link io.sparkps.spark.DenseTableHandle} are serialisable handles to capture in closures, which
 * reconnect through one shared client per JVM; {@link io.sparkps.spark.WorkerContext} is a
 * training worker inside a task.
 *
 * <p>Threading: handles and the client registry are thread-safe; a {@code WorkerContext} belongs to
 * its task's thread.
 */
package io.sparkps.spark;
