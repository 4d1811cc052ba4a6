package io.sparkps.core.transport;

import io.sparkps.core.testing.RawPeer;

import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.config;
import static io.sparkps.core.testing.TransportTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.protocol.AuthChallengeMessage;
import io.sparkps.core.protocol.AuthOkMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.ValuesMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HMAC challenge-response handshake. */
class AuthenticationTest {

  private static final byte[] SECRET = "the-shared-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER = "another-secret-abcdefghijkl".getBytes(StandardCharsets.UTF_8);

  private PsTransportContext serverContext;
  private TestHandler handler;
  private TransportServer server;

  @BeforeEach
  void start() throws Exception {
    serverContext = new PsTransportContext(config(SECRET), "auth-server");
    handler = new TestHandler();
    server = serverContext.createServer("127.0.0.1", 0, handler);
  }

  @AfterEach
  void stop() {
    serverContext.close();
  }
  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }


  @Test
  void rightSecretConnects() throws Exception {
    try (PsTransportContext client = new PsTransportContext(config(SECRET), "auth-right")) {
      Connection c = await(client.connect("127.0.0.1", server.port(), null));
      assertEquals(new ValuesMessage(new float[] {6}), await(c.request(new PullMessage(1, 0, new long[] {3}))));
    }
  }

  @Test
  void wrongSecretIsRejected() throws Exception {
    try (PsTransportContext client = new PsTransportContext(config(OTHER), "auth-wrong")) {
      PsAuthenticationException e = failure(client.connect("127.0.0.1", server.port(), null),
          PsAuthenticationException.class);
      assertTrue(e.getMessage().contains("does not match"), e.getMessage());
      assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
      assertEquals(ErrorCode.UNAUTHENTICATED, ((PsRemoteException) e.getCause()).code());
    }
    assertEquals(0, handler.handled.get());
  }

  @Test
  void missingSecretIsRejected() throws Exception {
    try (PsTransportContext client = new PsTransportContext(config(), "auth-none")) {
      PsAuthenticationException e = failure(client.connect("127.0.0.1", server.port(), null),
          PsAuthenticationException.class);
      assertTrue(e.getMessage().contains("sent no MAC"), e.getMessage());
    }
    assertEquals(0, handler.handled.get());
  }

  /**
   * Protocol 2 (issue 14): a client with a secret used to accept a server without one; now it
   * must verify the acceptor's proof, which a server without the secret cannot give, so it
   * refuses (otherwise any fake endpoint could claim "no auth" and receive its pushes).
   */
  @Test
  void clientWithSecretRefusesAServerWithoutAuth() throws Exception {
    try (PsTransportContext open = new PsTransportContext(config(), "auth-open-server");
        PsTransportContext client = new PsTransportContext(config(SECRET), "auth-client")) {
      TransportServer s = open.createServer("127.0.0.1", 0, handler);
      PsAuthenticationException e = failure(client.connect("127.0.0.1", s.port(), null),
          PsAuthenticationException.class);
      assertTrue(e.getMessage().contains("does not authenticate itself"), e.getMessage());
    }
    assertEquals(0, handler.handled.get());
  }

  @Test
  void rejectedPeerPipeliningRequestsNeverReachesTheHandler() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      AuthChallengeMessage challenge = peer.readChallenge();
      assertTrue(challenge.authRequired());
      assertEquals(Hmac.NONCE_BYTES, challenge.nonce().length);
      peer.send(RawPeer.response(challenge, PsRole.WORKER, AuthKeys.derive(OTHER).key(PsRole.WORKER),
          peer.dialled()));
      peer.send(new Envelope(1, new PullMessage(1, 0, new long[] {1})));
      Envelope e = peer.read();
      ErrorMessage error = assertInstanceOf(ErrorMessage.class, e.message());
      assertEquals(ErrorCode.UNAUTHENTICATED, error.code());
      assertTrue(peer.closedByServer());
    }
    assertEquals(0, handler.handled.get());
  }

  @Test
  void replayedMacForAnotherNonceIsRejected() throws Exception {
    Envelope first;
    try (RawPeer peer = new RawPeer(server.port())) {
      AuthChallengeMessage challenge = peer.readChallenge();
      first = RawPeer.response(challenge, PsRole.WORKER, AuthKeys.derive(SECRET).key(PsRole.WORKER), peer.dialled());
      peer.send(first);
      assertInstanceOf(AuthOkMessage.class, peer.read().message());
    }
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.readChallenge(); // a fresh nonce: the recorded MAC is worthless
      peer.send(first);
      assertEquals(ErrorCode.UNAUTHENTICATED, ((ErrorMessage) peer.read().message()).code());
      assertTrue(peer.closedByServer());
    }
  }
}
