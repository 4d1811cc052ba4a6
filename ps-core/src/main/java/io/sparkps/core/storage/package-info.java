/**
 * Where a server keeps its shards' rows. {@link io.sparkps.core.storage.ShardStores#create} builds
 * the {@link io.sparkps.core.storage.ShardStore} for one shard of a table: a
 * {@link io.sparkps.core.storage.DenseShardStore} (a contiguous row range in one slab) or a
 * {@link io.sparkps.core.storage.SparseShardStore} (any long key, created on first write). Each
 * row holds its weights followed by the table updater's optimizer state, plus a version for
 * compare-and-set. Rows start from an {@link io.sparkps.core.storage.Initializer}, a pure function
 * of (seed, key, column), so absent rows can be pulled without being created.
 *
 * <p>Threading: stores are NOT thread-safe. The server confines each store to one thread at a
 * time (its shard executor); rows go in and out by copy, so nothing outside a store ever holds its
 * memory. {@code Initializer}, {@code InitializerSpec} and {@code ShardStores} are thread-safe.
 */
package io.sparkps.core.storage;
