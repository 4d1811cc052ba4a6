/**
 * Server-side update rules. {@link io.sparkps.core.update.UpdaterSpec} (serialisable, part of a
 * table spec) names a rule; {@link io.sparkps.core.update.Updaters#create} builds the
 * {@link io.sparkps.core.update.Updater} a shard store applies to every pushed delta: sum,
 * assign, sgd, adagrad, adam, ftrl, or a user class from the server's classpath.
 *
 * <p>Threading: updaters are called by their shard store, one thread at a time per store.
 * Built-ins are immutable and thread-safe; each store gets its own instance of a user updater.
 * Optimizer state lives in the row, right after the weights.
 */
package io.sparkps.core.update;
