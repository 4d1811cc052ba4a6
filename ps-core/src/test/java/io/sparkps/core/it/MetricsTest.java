package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.metrics.ServerMetrics;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.RawPeer;
import org.junit.jupiter.api.Test;

/** A real server counts what it answers: requests by kind, keys, value bytes, latencies, errors by code. */
class MetricsTest {

  @Test
  void aServerCountsItsPullsPushesKeysBytesAndErrors() throws Exception {
    try (TestCluster cluster = new TestCluster(1)) {
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(TableSpec.sparse("m", 2));
      t.push(new long[] {1, 2, 3}, new float[] {1, 1, 2, 2, 3, 3});
      t.pull(new long[] {1, 2});
      assertEquals(3, t.size());
      PsServer server = cluster.servers.get(0);
      ServerMetrics m = server.metrics();
      // A push or pull is a request per shard it touches; keys and bytes add up exactly.
      long pushes = m.pushes();
      long pulls = m.pulls();
      assertTrue(pushes >= 1 && pulls >= 1, m::toString);
      assertEquals(3, m.keysPushed());
      assertEquals(24, m.bytesPushed());
      assertEquals(2, m.keysPulled());
      assertEquals(16, m.bytesPulled());
      assertTrue(m.otherRequests() >= 1, "the size request");
      assertEquals(pushes + pulls + m.otherRequests(), m.latency().count());
      assertTrue(m.latency().percentile(0.99) > 0);
      assertEquals(0, m.errors());
      assertEquals(0, server.queuedRequests(), "nothing waits once every reply arrived");

      int tableId = client.routing().table("m").orElseThrow().tableId();
      try (RawPeer raw = new RawPeer(server.port())) {
        raw.handshake();
        raw.requestError(1, new PullMessage(tableId + 100, 0, new long[] {1}), ErrorCode.UNKNOWN_TABLE);
      }
      assertEquals(1, m.errors(ErrorCode.UNKNOWN_TABLE));
      assertEquals(pulls, m.pulls(), "a failed request is counted as an error only");
      assertEquals(0, cluster.scheduler.metrics().serversLost());
    }
  }
}
