package io.sparkps.core.transport;

import static io.sparkps.core.testing.TransportTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.TransportLimits;
import io.sparkps.core.protocol.AuthChallengeMessage;
import io.sparkps.core.protocol.AuthOkMessage;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.testing.RawPeer;
import io.sparkps.core.testing.TransportTesting;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Caps on connections per listening server (issue 14): over a cap, a new connection is closed at once. */
class ConnectionLimitsTest {

  private static final byte[] SECRET = "the-shared-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WORKER_KEY = AuthKeys.derive(SECRET).key(PsRole.WORKER);

  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }

  private static void authenticate(RawPeer peer, AuthChallengeMessage challenge) throws Exception {
    peer.send(RawPeer.response(challenge, PsRole.WORKER, WORKER_KEY, peer.dialled()));
    assertInstanceOf(AuthOkMessage.class, peer.read().message());
  }

  @Test
  void beyondTheUnauthenticatedOrTotalCapNewConnectionsAreClosedAtOnce() throws Exception {
    PsConfig config = TransportTesting.configBuilder().secret(SECRET)
        .limits(TransportLimits.builder().maxConnections(6).maxUnauthenticatedConnections(3).build())
        .connectTimeout(Duration.ofSeconds(30)).build();
    List<RawPeer> peers = new ArrayList<>();
    try (PsTransportContext serverContext = new PsTransportContext(config, "caps-server");
        PsTransportContext clientContext = new PsTransportContext(config, "caps-client")) {
      TransportServer server = serverContext.createServer("127.0.0.1", 0, new TestHandler());
      Connection good = await(clientContext.connect("127.0.0.1", server.port(), null));
      List<AuthChallengeMessage> challenges = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RawPeer p = new RawPeer(server.port());
        peers.add(p);
        challenges.add(p.readChallenge()); // admitted: still in the handshake
      }
      assertEquals(3, server.stats().unauthenticatedConnections());
      try (RawPeer over = new RawPeer(server.port())) {
        assertTrue(over.closedByServer(), "a fourth stranger is closed before any challenge");
      }
      assertEquals(1, server.stats().rejectedConnections());

      // One finishes its handshake: that makes room for one more stranger, who authenticates too.
      authenticate(peers.get(0), challenges.get(0));
      RawPeer fourth = new RawPeer(server.port());
      peers.add(fourth);
      authenticate(fourth, fourth.readChallenge());
      RawPeer fifth = new RawPeer(server.port());
      peers.add(fifth);
      authenticate(fifth, fifth.readChallenge());
      assertEquals(6, server.stats().openConnections());
      assertEquals(2, server.stats().unauthenticatedConnections());
      try (RawPeer over = new RawPeer(server.port())) {
        assertTrue(over.closedByServer(), "beyond maxConnections a new connection is closed at once");
      }
      assertEquals(2, server.stats().rejectedConnections());
      assertEquals(1, server.stats().rejectionLogLines(), "one line per interval");
      assertEquals(new ValuesMessage(new float[] {2}), await(good.request(new PullMessage(1, 0, new long[] {1}))));
    } finally {
      for (RawPeer p : peers) {
        p.close();
      }
    }
  }
}
