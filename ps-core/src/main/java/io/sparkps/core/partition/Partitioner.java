package io.sparkps.core.partition;

/**
 * Maps a key to the shard that holds it: a pure function, fixed when a table is created, so
 * every client and server agrees without talking. Thread-safe and immutable.
 */
public interface Partitioner {

  int numShards();

  /** The shard holding {@code key}; throws {@link IllegalArgumentException} for a key the table cannot hold. */
  int shardOf(long key);
}
