/**
 * Streaming benchmark (issue 18, {@code scripts/bench stream}): a {@code PsStreamingTrainer} fed
 * the shared synthetic data as a parquet file stream, one file per micro-batch, against the
 * single-threaded plain pass and one epoch of batch training over the same rows, and the recovery
 * of a restarted application from the stream's checkpoint location.
 *
 * <p>{@link io.sparkps.bench.stream.StreamBench} is the entry point; {@code StreamPass} runs and
 * clocks one pass of the query, {@code StreamFigures} derives the rates, percentiles and targets,
 * {@code StreamReport} writes the markdown and CSV files. Single-threaded drivers.
 */
package io.sparkps.bench.stream;
