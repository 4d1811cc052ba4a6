package io.sparkps.core.protocol;

/** A data-plane request addressed to one shard of one table; servers route on these two fields. */
public interface ShardRequest extends Message {

  int tableId();

  int shard();
}
