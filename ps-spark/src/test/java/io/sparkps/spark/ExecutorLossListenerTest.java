package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.server.PsServer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.junit.jupiter.api.Test;

/**
 * Spark reporting an executor removed makes its parameter server lost at once, while its
 * connection to the scheduler is still open: the scheduler cuts it off and moves its shards.
 * Executors that host no known server are ignored.
 */
class ExecutorLossListenerTest {

  @Test
  void aRemovedExecutorsServerIsDeclaredLostAndItsShardsMove() throws Exception {
    PsConfig config = PsConfig.builder().shardThreads(1).ioThreads(1).build();
    PsScheduler scheduler = PsScheduler.start(config);
    PsServer kept = null;
    PsServer lost = null;
    PsClient client = null;
    try {
      kept = PsServer.start(config, 0, scheduler.host(), scheduler.port());
      lost = PsServer.start(config, 0, scheduler.host(), scheduler.port());
      scheduler.awaitServers(2).get(30, TimeUnit.SECONDS);
      client = PsClient.connect(config, scheduler.host(), scheduler.port());
      client.createSparseTable(TableSpec.sparse("t", 1));
      ExecutorLossListener listener = new ExecutorLossListener(scheduler, new ServerSlots(0));
      listener.serverStarted("1", kept.serverId());
      listener.serverStarted("2", lost.serverId());
      long before = client.routing().version();

      listener.onExecutorRemoved(new SparkListenerExecutorRemoved(0L, "9", "hosted no server"));
      assertEquals(before, client.routing().version(), "an executor without a server changes nothing");

      listener.onExecutorRemoved(new SparkListenerExecutorRemoved(0L, "2", "worker lost"));
      // Declared dead and cut off, then its shards moved: two routing versions.
      RoutingTable after = client.routingAtLeast(before + 2).get(30, TimeUnit.SECONDS);
      lost.stopped().get(30, TimeUnit.SECONDS);  // its scheduler connection closed: it stopped itself
      int lostId = lost.serverId();
      assertFalse(after.servers().stream().filter(s -> s.id() == lostId).allMatch(ServerInfo::alive),
          "the removed executor's server is dead: " + after.servers());
      int keptId = kept.serverId();
      assertEquals(0, Arrays.stream(after.table("t").orElseThrow().shardOwners()).filter(o -> o != keptId).count(),
          "every shard now lives on the remaining server: " + after);
    } finally {
      if (client != null) {
        client.close();
      }
      scheduler.close();
      if (lost != null) {
        lost.close();
      }
      if (kept != null) {
        kept.close();
      }
    }
  }
}
