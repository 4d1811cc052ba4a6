package io.sparkps.bench.scaling;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.server.PsServer;

/**
 * A parameter server JVM of the scaling run: {@code host port lanes}, with {@code lanes} shard
 * lanes (the scheduler, started with as many, gives a sparse table that many shards per server, so a
 * batch sends that many frames per server); exits when its scheduler goes away.
 */
public final class ScalingServer {

  private ScalingServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("arguments: " + String.join(" ", args) + " (expected: host port lanes)");
    }
    PsConfig config = PsConfig.builder().shardThreads(Integer.parseInt(args[2])).build();
    PsServer server = PsServer.start(config, 0, args[0], Integer.parseInt(args[1]));
    server.stopped().get();
  }
}
