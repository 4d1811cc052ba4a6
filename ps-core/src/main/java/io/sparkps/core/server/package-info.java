/**
 * The parameter server: {@link io.sparkps.core.server.PsServer} hosts table shards, applies pushes
 * through each table's updater and answers pulls. It owns the lifecycle (bind, register, stop) and
 * hands the rest out: {@code SchedulerHeartbeats} keeps the registration alive,
 * {@code ShardControl} answers the scheduler's create/drop/checkpoint/fence requests,
 * {@code DataRequests} routes data requests to their shard's lane, where
 * {@code ShardOperations} executes them; {@code HostedShards} is the table of hosted shards.
 * Limits: {@code RequestSizes} bounds each reply before it is allocated (and estimates it for the
 * transport's backpressure), {@code ShardMemory} refuses shards beyond {@code maxShardBytes},
 * {@code ShardLane} bounds each lane's queue, and {@code RejectionLog} keeps the log of expected
 * refusals short.
 *
 * <p>Threading: requests are decoded on Netty I/O threads and handed to the shard's executor
 * (one single-threaded lane per shard, several shards per lane), so a shard's store is only ever
 * touched by one thread and pushes to a shard apply in arrival order. Replies are written from
 * that lane. A request that fails becomes an error reply with the same request id; nothing a
 * client sends can stop the server.
 */
package io.sparkps.core.server;
