/**
 * The scaling check of {@code docs/scaling.md} ({@code scripts/bench scaling}): {@link
 * io.sparkps.bench.scaling.ScalingBench} starts a scheduler, S server JVMs and W worker JVMs on
 * loopback and times a synthetic sparse-LR epoch (mini-batches drawn from the shared generator's
 * Zipf key distribution: pull the distinct keys, compute the logistic gradient, push, clock) for
 * each (S, W), with the CPU, bytes and keys each process spent, so the model's per-key and
 * per-message costs can be fitted and extrapolated.
 *
 * <p>Roles: {@link io.sparkps.bench.scaling.ScalingWorker} is one worker JVM, {@link
 * io.sparkps.bench.scaling.BatchPlan} its pre-generated batches, {@link
 * io.sparkps.bench.ChildJvm} launches and meters child processes, {@link
 * io.sparkps.bench.scaling.ScalingPoint} is one CSV row, {@link io.sparkps.bench.scaling.ScalingModel}
 * fits and predicts, {@link io.sparkps.bench.scaling.ScalingPlot} draws the PNG.
 */
package io.sparkps.bench.scaling;
