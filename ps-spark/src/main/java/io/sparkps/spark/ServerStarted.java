package io.sparkps.spark;

import java.io.Serializable;

/**
 * Executor plugin to driver plugin (Spark plugin RPC, one way): this executor now hosts server
 * {@code serverId}, so the driver can declare it lost when Spark removes the executor. Immutable.
 */
record ServerStarted(String executorId, int serverId) implements Serializable {}
