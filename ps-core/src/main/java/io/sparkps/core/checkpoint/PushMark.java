package io.sparkps.core.checkpoint;

/**
 * The highest push (clock, seq) a shard applied for one worker of one run: what exactly-once
 * delivery needs to recognise replays after the shard is restored. Immutable.
 */
public record PushMark(long runId, int worker, long clock, long seq) {}
