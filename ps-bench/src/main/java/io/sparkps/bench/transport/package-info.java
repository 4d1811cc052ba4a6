/**
 * Transport benchmark: the same pulls and pushes against a minimal blocking-socket reference
 * server ({@link io.sparkps.bench.transport.ReferenceSystem}), spark-ps
 * ({@link io.sparkps.bench.transport.SparkPsSystem}) and ps-core's transport alone
 * ({@link io.sparkps.bench.transport.TransportOnlySystem}), in one JVM on loopback.
 *
 * <p>{@link io.sparkps.bench.transport.TransportBench} is the entry point ({@code scripts/bench transport}).
 * It parses the command line once into {@link io.sparkps.bench.transport.TransportOptions}, runs
 * {@link io.sparkps.bench.transport.TransportHarness} (start, load, the self-check
 * {@link io.sparkps.bench.transport.Verification}, then one {@link io.sparkps.bench.transport.Point}
 * per round, workload, client count and system), and hands the points to
 * {@link io.sparkps.bench.transport.TransportReport} (medians, ratios, console table, CSVs).
 * One run at a time; each point's clients run on threads of their own, one
 * {@link io.sparkps.bench.transport.BenchSystem.Session} each.
 */
package io.sparkps.bench.transport;
