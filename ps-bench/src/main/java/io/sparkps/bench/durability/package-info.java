/**
 * Durability figures: what a checkpoint, a restore and a shard recovery cost per GB, and an
 * off-heap table larger than its server's heap ({@code scripts/bench durability}).
 */
package io.sparkps.bench.durability;
