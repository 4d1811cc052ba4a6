package io.sparkps.spark;

import java.io.Serializable;

/** Executor plugin to driver plugin (Spark plugin RPC): may this executor host a server? Immutable. */
record ServerSlotRequest(String executorId) implements Serializable {}
