/**
 * Checkpoints: what a consistent copy of the tables looks like on disk, and where it is written.
 * A checkpoint is a directory {@code ckpt-NNNNNNNN} under the configured checkpoint directory,
 * holding one {@link io.sparkps.core.checkpoint.ShardFile} per shard (rows with their optimizer
 * state and versions, plus the shard's exactly-once push marks), written by the servers in
 * parallel, and a {@link io.sparkps.core.checkpoint.Manifest} the scheduler writes last: a
 * directory without a manifest is an unfinished checkpoint and is never read. File access goes
 * through {@link io.sparkps.core.checkpoint.CheckpointFiles}: local paths built in, other schemes
 * (hdfs:, s3a:, ...) through a {@link io.sparkps.core.checkpoint.CheckpointFilesProvider} found by
 * {@link java.util.ServiceLoader} (ps-spark ships one backed by Hadoop's FileSystem).
 * No Netty here.
 */
package io.sparkps.core.checkpoint;
