/**
 * The shared benchmark data of {@code BENCHMARKS.md} and the figures every run reports.
 *
 * <p>Entry points:
 *
 * <ul>
 *   <li>{@link io.sparkps.examples.data.SyntheticData}: the generator. Row {@code r} is a pure function of the
 *       configuration (N, D, K, seed, s, rho, b) and {@code r}; {@code row(r)} gives its sorted 0-based feature
 *       indices, label and split; {@code trueWeight}, {@code trueMargin} and {@code trueProbability} expose the
 *       true (Bayes) model.
 *   <li>{@link io.sparkps.ml.evaluation.Metrics} (in ps-spark): logloss and exact AUC, on arrays or streamed through an
 *       {@code Accumulator}; {@link io.sparkps.examples.data.ReferenceFigures}: the constant and Bayes
 *       held-out figures.
 *   <li>{@link io.sparkps.examples.data.PlainAdagradBaseline}: the single-threaded one-pass AdaGrad
 *       logistic regression that the benchmarks compare against.
 *   <li>{@link io.sparkps.examples.data.SyntheticDataFrames}: the data as a spark.ml-ready DataFrame generated
 *       inside the tasks; {@link io.sparkps.examples.data.LibSvmWriter} and the {@link
 *       io.sparkps.examples.data.DataGen} command line: the data as libsvm files (1-based indices).
 * </ul>
 *
 * <p>Threading: configurations, results and the static helpers are immutable and thread-safe; the mutable
 * helpers ({@code Metrics.Accumulator}, a {@code PlainAdagradBaseline.Model} while it trains, builders) are
 * confined to one thread. Nothing here reads a clock; callers time what they measure.
 */
package io.sparkps.examples.data;
