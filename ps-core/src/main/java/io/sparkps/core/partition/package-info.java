/**
 * Which server holds which key. A {@link io.sparkps.core.partition.Partitioner} maps a key to a
 * shard: {@link io.sparkps.core.partition.RangePartitioner} splits a dense table's rows into
 * contiguous ranges, {@link io.sparkps.core.partition.HashRingPartitioner} places sparse keys on a
 * consistent-hash ring. A {@link io.sparkps.core.partition.RoutingTable} maps each table's shards
 * to servers under a version that clients cache. {@link io.sparkps.core.partition.Hashing} holds
 * the SplitMix64 mixing shared with the seeded initializers.
 *
 * <p>Threading: everything here is immutable and thread-safe.
 */
package io.sparkps.core.partition;
