/**
 * Which {@link io.sparkps.core.storage.ShardStore} serves a table's storage tier:
 * {@link io.sparkps.core.storage.tiers.ShardStores#create} is what a server calls for each shard
 * it hosts.
 *
 * <p>The factory has a package of its own because it is the one place that knows every store
 * implementation. The heap stores and the store interfaces live in {@code storage}; the Chronicle
 * stores live in {@code storage.chronicle}, which depends on those interfaces. Were the factory
 * in {@code storage}, {@code storage} and {@code storage.chronicle} would depend on each other;
 * here the dependencies run one way: {@code tiers} to both, {@code chronicle} to
 * {@code storage}, {@code storage} to neither.
 *
 * <p>Threading: stateless and thread-safe.
 */
package io.sparkps.core.storage.tiers;
