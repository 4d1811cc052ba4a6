/**
 * The OFFHEAP and PERSISTED storage tiers: {@link io.sparkps.core.storage.chronicle.ChronicleShardStore}
 * keeps a shard's rows in a Chronicle Map in native memory or memory-mapped to one file per shard.
 * The store factory ({@code storage.tiers.ShardStores}) is the only code outside
 * this package that refers to it; everything else sees a {@link io.sparkps.core.storage.ShardStore}.
 *
 * <p>Why a package: Chronicle Map ({@code net.openhft}) stays behind this boundary, and nothing
 * outside it imports Chronicle (PackageBoundariesTest checks both). Chronicle needs JVM flags, a
 * JDK and seconds of warm-up, its maps are sized up front, and a persisted shard needs file
 * management of its own (lock, layout, growth by copy-and-swap); keeping all of that here lets
 * the rest of the server treat every tier alike, and lets each concern have a class of its own:
 * <ul>
 *   <li>{@code ChronicleShardStore}: the {@code ShardStore} contract (argument checks, dense and
 *       sparse semantics, lifecycle);
 *   <li>{@code ShardRows}: single-row reads and writes through one scratch row;
 *   <li>{@code SegmentScan}: resumable scans of a sparse shard by Chronicle segment;
 *   <li>{@code ShardMap}: the current map, and growth and clear, which replace it;
 *   <li>{@code ShardFiles}, {@code LayoutFile}, {@code ShardLock}: a persisted shard's files, its
 *       layout and capacity in {@code <file>.meta}, its exclusive lock in {@code <file>.lock};
 *   <li>{@code RowMaps}, {@code RowBuffer}, {@code RowMarshaller}: how maps are configured and
 *       rows are laid out in them.
 * </ul>
 * This package depends on {@code io.sparkps.core.storage} (the store interfaces, initializers,
 * argument checks) and never the other way round.
 *
 * <p>Persisted files: {@code <file>} (the map), {@code <file>.meta} (the layout, checked on
 * reopen, and whether the store was closed cleanly; a shard not closed cleanly is reopened with
 * Chronicle's recovery, which scans the whole file) and {@code <file>.lock} (held while the store
 * is open, so the same shard is never open twice, in this JVM or another). Writes reach the file
 * through the page cache: they survive the server process exiting or crashing, not a crash of
 * the machine.
 *
 * <p>Threading: stores are NOT thread-safe; the server confines each to its shard's thread, like
 * every {@code ShardStore}. {@code RowMarshaller} is stateless and thread-safe.
 */
package io.sparkps.core.storage.chronicle;
