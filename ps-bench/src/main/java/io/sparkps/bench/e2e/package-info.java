/**
 * End-to-end benchmark: sparse logistic regression with spark-ps ({@code PsLogisticRegression},
 * each method with its best optimizer) against spark.ml's {@code LogisticRegression} (L-BFGS) on
 * the shared synthetic data, in an embedded {@code local[*]} Spark.
 *
 * <p>{@link io.sparkps.bench.e2e.E2eBench} is the entry point ({@code scripts/bench e2e}): it runs
 * each step of an {@link io.sparkps.bench.e2e.E2ePlan} in its own JVM ({@link io.sparkps.bench.e2e.E2eRun},
 * same flags and heap for both systems, so one system's garbage or an OutOfMemoryError never
 * touches the other's figures), collects the points ({@link io.sparkps.bench.e2e.E2ePoint}) into
 * CSV, then writes the summary ({@link io.sparkps.bench.e2e.E2eReport}) and the plots
 * ({@link io.sparkps.bench.e2e.E2ePlots}). Single-threaded drivers; nothing here is shared between threads.
 */
package io.sparkps.bench.e2e;
