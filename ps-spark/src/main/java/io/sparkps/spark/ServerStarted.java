package io.sparkps.spark;

import java.io.Serializable;

/**
 * This executor hosts server {@code serverId}: what the launch job's tasks return, and what the
 * executor plugin reports (encoded by {@link PluginMessages}), so the driver can declare the
 * server lost when Spark removes the executor. Immutable.
 */
record ServerStarted(String executorId, int serverId) implements Serializable {}
