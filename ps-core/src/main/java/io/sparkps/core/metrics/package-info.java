/**
 * Counters the parameter server and the scheduler update as they work, kept free of any metrics
 * library (ps-core never depends on Spark or Dropwizard): {@link ServerMetrics} (requests, keys,
 * bytes, errors by code, a {@link LatencyHistogram}) and {@link SchedulerMetrics} (servers lost,
 * checkpoints, recoveries). The Spark plugin exposes them through Spark's metrics system.
 *
 * <p>Threading: every class here is thread-safe and lock-free; updates are LongAdder increments or
 * AtomicLongArray adds, with no allocation, so the request hot path pays a few nanoseconds.
 * Readers get momentary values (not one consistent cut across counters).
 */
package io.sparkps.core.metrics;
