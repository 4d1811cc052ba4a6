package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.AuthResponseMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.RawPeer;
import io.sparkps.core.transport.PsAuthenticationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** With a shared secret, only peers that know it get to do anything. */
class AuthenticationTest {

  private static final byte[] SECRET = "a-secret-of-at-least-16-bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WRONG = "another-secret-of-16-bytes+".getBytes(StandardCharsets.UTF_8);

  @Test
  void rightSecretWorksWrongOrMissingSecretIsRejectedAndNothingItSentIsApplied() throws Exception {
    PsConfig config = PsConfig.builder().secret(SECRET).build();
    try (TestCluster cluster = new TestCluster(2, config, Ticker.systemTicker())) {
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(TableSpec.sparse("w", 1));
      t.push(new long[] {5}, new float[] {1});

      IOException wrong = assertThrows(IOException.class,
          () -> cluster.client(PsConfig.builder().secret(WRONG).build()));
      assertInstanceOf(PsAuthenticationException.class, wrong);
      IOException none = assertThrows(IOException.class, () -> cluster.client(PsConfig.defaults()));
      assertInstanceOf(PsAuthenticationException.class, none);
      assertThrows(IOException.class, () -> PsServer.start(PsConfig.defaults(), 0,
          cluster.scheduler.host(), cluster.scheduler.port()), "a server without the secret cannot register");

      TableRoute route = client.routing().table("w").orElseThrow();
      int shard = route.partitioner().shardOf(5);
      PsServer owner = cluster.servers.stream().filter(s -> s.serverId() == route.ownerOf(shard)).findFirst()
          .orElseThrow();
      try (RawPeer raw = new RawPeer(owner.port())) {
        assertTrue(raw.readChallenge().authRequired());
        raw.send(new Envelope(0, new AuthResponseMessage(PsRole.WORKER.wireId(), new byte[32], raw.dialled(),
            new byte[32])));
        raw.send(new Envelope(1, new PushMessage(route.tableId(), shard, PushMode.UPDATE, PushId.NONE,
            new long[] {5}, new float[] {100}, false)));
        Envelope e = raw.read();
        assertEquals(ErrorCode.UNAUTHENTICATED, assertInstanceOf(ErrorMessage.class, e.message()).code());
        assertTrue(raw.closedByServer());
      }
      assertArrayEquals(new float[] {1}, t.pull(new long[] {5}), "the unauthenticated push was not applied");
      assertEquals(2, cluster.scheduler.routing().servers().size());
    }
  }
}
