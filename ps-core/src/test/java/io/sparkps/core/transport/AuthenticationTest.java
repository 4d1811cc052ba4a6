package io.sparkps.core.transport;

import io.sparkps.core.testing.RawPeer;

import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.config;
import static io.sparkps.core.testing.TransportTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.protocol.AuthChallengeMessage;
import io.sparkps.core.protocol.AuthOkMessage;
import io.sparkps.core.protocol.AuthResponseMessage;
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

  @Test
  void clientWithSecretMayUseAServerWithoutAuth() throws Exception {
    try (PsTransportContext open = new PsTransportContext(config(), "auth-open-server");
        PsTransportContext client = new PsTransportContext(config(SECRET), "auth-client")) {
      TransportServer s = open.createServer("127.0.0.1", 0, handler);
      Connection c = await(client.connect("127.0.0.1", s.port(), null));
      assertEquals(new ValuesMessage(new float[] {2}), await(c.request(new PullMessage(1, 0, new long[] {1}))));
    }
  }

  @Test
  void rejectedPeerPipeliningRequestsNeverReachesTheHandler() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      AuthChallengeMessage challenge = peer.readChallenge();
      assertTrue(challenge.authRequired());
      assertEquals(Hmac.NONCE_BYTES, challenge.nonce().length);
      peer.send(new Envelope(0, new AuthResponseMessage(Hmac.sign(OTHER, challenge.nonce()))));
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
    byte[] firstMac;
    try (RawPeer peer = new RawPeer(server.port())) {
      AuthChallengeMessage challenge = peer.readChallenge();
      firstMac = Hmac.sign(SECRET, challenge.nonce());
      peer.send(new Envelope(0, new AuthResponseMessage(firstMac)));
      assertInstanceOf(AuthOkMessage.class, peer.read().message());
    }
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.readChallenge(); // a fresh nonce: the recorded MAC is worthless
      peer.send(new Envelope(0, new AuthResponseMessage(firstMac)));
      assertEquals(ErrorCode.UNAUTHENTICATED, ((ErrorMessage) peer.read().message()).code());
      assertTrue(peer.closedByServer());
    }
  }
}
