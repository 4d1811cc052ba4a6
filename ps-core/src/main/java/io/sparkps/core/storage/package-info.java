/**
 * Where a server keeps its shards' rows. The store factory ({@code storage.tiers.ShardStores})
 * builds the {@link io.sparkps.core.storage.ShardStore} for one shard of a table from its kind
 * and storage tier ({@link io.sparkps.core.config.TableSpec.Storage}):
 * <ul>
 *   <li>HEAP: a {@link io.sparkps.core.storage.DenseShardStore} (a contiguous row range in one
 *       slab) or a {@link io.sparkps.core.storage.SparseShardStore} (any long key, created on
 *       first write). The fastest tier, bounded by the Java heap.
 *   <li>OFFHEAP: a {@code ChronicleShardStore} (package {@code storage.chronicle}) holding the
 *       rows in a Chronicle Map in native memory: not bounded by {@code -Xmx}, no GC cost, about 100 bytes
 *       per dim-16 row, and 2-4x slower per row than HEAP.
 *   <li>PERSISTED: the same store memory-mapped to one file per shard under a directory
 *       ({@link io.sparkps.core.storage.StorageOptions}, a server's {@code storageDir}); a store
 *       created again for the same shard (a server restart) reopens the file with every row,
 *       its optimizer state and its version. {@link io.sparkps.core.storage.ShardStore#destroy}
 *       deletes the file (a dropped table).
 * </ul>
 * Each row holds its weights followed by the table updater's optimizer state, plus a version for
 * compare-and-set; {@link io.sparkps.core.storage.ShardStore#scanRecords} and
 * {@link io.sparkps.core.storage.ShardStore#load} copy all of it out and back in (checkpoints),
 * so a restored row continues training exactly where it stopped. Rows start from an
 * {@link io.sparkps.core.storage.Initializer}, a pure function of (seed, key, column), so absent
 * rows can be pulled without being created. Every store passes the same contract tests, so the
 * tier changes cost and capacity, never results.
 *
 * <p>This package holds the store interfaces and the heap stores and depends on neither
 * subpackage: {@code storage.chronicle} (the only code that uses Chronicle Map,
 * {@code net.openhft}) implements these interfaces, and {@code storage.tiers} picks a store per
 * tier.
 *
 * <p>Threading: stores are NOT thread-safe. The server confines each store to one thread at a
 * time (its shard executor); rows go in and out by copy, so nothing outside a store ever holds its
 * memory. {@code Initializer}, {@code InitializerSpec} and {@code StorageOptions} are thread-safe.
 */
package io.sparkps.core.storage;

import io.sparkps.core.config.InitializerSpec;
