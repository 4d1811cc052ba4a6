package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Dead servers are detected and reported, and clients fail fast instead of hanging. */
class ServerFailureTest {

  @Test
  void silentServersAreDeclaredDeadByHeartbeatTimeoutOnTheInjectedClock() throws Exception {
    FakeTicker ticker = new FakeTicker();
    // Servers beat once at start and then not for an hour: only the fake clock decides.
    PsConfig config = PsConfig.builder().heartbeatInterval(Duration.ofHours(1))
        .heartbeatTimeout(Duration.ofHours(2)).build();
    try (TestCluster cluster = new TestCluster(2, config, ticker)) {
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(TableSpec.sparse("w", 1));
      t.push(new long[] {1, 2, 3}, new float[] {1, 1, 1});

      ticker.advance(Duration.ofMinutes(119));
      assertTrue(cluster.scheduler.checkHeartbeats().isEmpty(), "within the timeout nobody is dead");

      long before = client.routing().version();
      ticker.advance(Duration.ofMinutes(2));
      List<Integer> dead = cluster.scheduler.checkHeartbeats();
      assertEquals(2, dead.size());
      // Each death is its own routing version.
      RoutingTable seen = client.routingAtLeast(before + 2).get(10, TimeUnit.SECONDS);
      assertTrue(seen.servers().stream().noneMatch(ServerInfo::alive));

      PsRemoteException e = assertThrows(PsRemoteException.class, () -> t.pull(new long[] {1}));
      assertEquals(ErrorCode.SERVER_DEAD, e.code());
      assertTrue(e.getMessage().contains("dead"), e.getMessage());
    }
  }

  @Test
  void aServerStoppingWhileTheDeploymentClosesKeepsItsShardsWhereTheyAre() throws Exception {
    try (TestCluster cluster = new TestCluster(2)) {
      PsClient client = cluster.client();
      client.createSparseTable(TableSpec.sparse("w", 1));
      RoutingTable before = client.routing();
      int[] owners = before.tables().get(0).shardOwners();
      cluster.scheduler.beginClose();
      cluster.servers.get(1).close();
      client.routingAtLeast(before.version() + 1).get(10, TimeUnit.SECONDS);
      // A worker registers only once any recovery is over, so a move would show after this.
      try (Worker w = Worker.register(client, "after-leave", 0, 1, Consistency.asp())) {
        assertArrayEquals(owners, cluster.scheduler.routing().tables().get(0).shardOwners(),
            "no shard moves to the server that stays while the deployment closes");
        assertEquals(before.version() + 1, cluster.scheduler.routing().version(), "one version for the departure");
        w.finish();
      }
    }
  }

  @Test
  void aServerThatStopsIsReportedDeadAndItsShardsMoveToALiveServer() throws Exception {
    try (TestCluster cluster = new TestCluster(2)) {
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(TableSpec.sparse("w", 1));
      long[] keys = new long[200];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i;
      }
      float[] ones = new float[keys.length];
      java.util.Arrays.fill(ones, 1f);
      t.push(keys, ones);
      var before = client.routing().table("w").orElseThrow();

      PsServer victim = cluster.servers.get(1);
      long version = client.routing().version();
      victim.close();
      // One version for the death, one for the moved shards.
      RoutingTable after = client.routingAtLeast(version + 2).get(10, TimeUnit.SECONDS);
      assertFalse(after.server(victim.serverId()).orElseThrow().alive());
      var route = after.table("w").orElseThrow();
      for (int owner : route.shardOwners()) {
        assertEquals(cluster.servers.get(0).serverId(), owner, "every shard is on the live server");
      }

      t.push(keys, ones);
      float[] now = t.pull(keys);
      int lostKeys = 0;
      for (int i = 0; i < keys.length; i++) {
        boolean lost = before.ownerOf(before.partitioner().shardOf(keys[i])) == victim.serverId();
        lostKeys += lost ? 1 : 0;
        // No checkpoint was taken: a moved shard restarted empty; the live server's rows stayed.
        assertEquals(lost ? 1f : 2f, now[i], "key " + keys[i]);
      }
      assertTrue(lostKeys > 0 && lostKeys < keys.length, "lost keys: " + lostKeys);
    }
  }
}
