package io.sparkps.core.transport;

import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.TlsConfig;
import io.sparkps.core.config.TlsIdentity;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.testing.RecordingProxy;
import io.sparkps.core.testing.TlsTesting;
import io.sparkps.core.testing.TransportTesting;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS on real loopback connections: requests round-trip encrypted, an eavesdropping relay sees
 * none of the pushed values (and does see them without TLS), and every mismatch between the two
 * sides fails the connect at once with an error that says what to set.
 */
class TlsTransportTest {

  private static final byte[] SECRET = "tls-test-shared-secret-0123".getBytes(StandardCharsets.UTF_8);
  private static TlsIdentity identity;
  private static TlsIdentity stranger;

  @BeforeAll
  static void keys() throws Exception {
    identity = TlsTesting.identity("spark-ps test");
    stranger = TlsTesting.identity("spark-ps other application");
  }

  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }

  /** A transport context with {@code tls}, or plaintext when it is null. */
  private static PsTransportContext context(TlsConfig tls, String name) {
    return new PsTransportContext(tls == null ? TransportTesting.config() : TlsTesting.config(tls), name);
  }

  @Test
  void requestsRoundTripOverTls() throws Exception {
    TestHandler handler = new TestHandler();
    try (PsTransportContext server = context(TlsTesting.serverTls(identity), "tls-server");
        PsTransportContext client = context(TlsTesting.clientTls(identity), "tls-client")) {
      TransportServer listener = server.createServer("127.0.0.1", 0, handler);
      Connection c = await(client.connect("127.0.0.1", listener.port(), null));
      for (int i = 0; i < 20; i++) {
        long[] keys = {i, i + 1000, i + 1_000_000};
        assertEquals(new ValuesMessage(TestHandler.doubled(keys)), await(c.request(new PullMessage(1, 0, keys))));
      }
      assertEquals(20, handler.handled.get());
    }
  }

  @Test
  void hmacHandshakeRunsInsideTls() throws Exception {
    TlsConfig tls = TlsTesting.serverTls(identity);
    try (PsTransportContext server = new PsTransportContext(
            TransportTesting.configBuilder().secret(SECRET).tls(tls).build(), "tls-auth-server");
        PsTransportContext right = new PsTransportContext(
            TransportTesting.configBuilder().secret(SECRET).tls(tls.forClients()).build(), "tls-auth-right");
        PsTransportContext wrong = new PsTransportContext(TransportTesting.configBuilder()
            .secret("some-other-secret-abcdefgh".getBytes(StandardCharsets.UTF_8)).tls(tls.forClients()).build(),
            "tls-auth-wrong")) {
      TransportServer listener = server.createServer("127.0.0.1", 0, new TestHandler());
      Connection c = await(right.connect("127.0.0.1", listener.port(), null));
      assertEquals(new ValuesMessage(new float[] {8}), await(c.request(new PullMessage(1, 0, new long[] {4}))));
      PsAuthenticationException e = failure(wrong.connect("127.0.0.1", listener.port(), null),
          PsAuthenticationException.class);
      assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
  }

  /** The same relay sees the pushed floats in plaintext and nothing of them under TLS. */
  @ParameterizedTest(name = "tls={0}")
  @ValueSource(booleans = {false, true})
  void eavesdropperSeesValuesOnlyWithoutTls(boolean tls) throws Exception {
    float[] pattern = new float[4096];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = 1000.25f + 0.731f * i;
    }
    AtomicInteger pushes = new AtomicInteger();
    RequestHandler echo = (connection, requestId, message) -> {
      if (message instanceof PushMessage p) {
        pushes.incrementAndGet();
        connection.reply(requestId, new ValuesMessage(p.values()));
      }
    };
    try (PsTransportContext server = context(tls ? TlsTesting.serverTls(identity) : null, "eavesdrop-server");
        PsTransportContext client = context(tls ? TlsTesting.clientTls(identity) : null, "eavesdrop-client")) {
      TransportServer listener = server.createServer("127.0.0.1", 0, echo);
      try (RecordingProxy proxy = new RecordingProxy(listener.port())) {
        Connection c = await(client.connect("127.0.0.1", proxy.port(), null));
        long[] keys = new long[pattern.length];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = i;
        }
        PushMessage push = new PushMessage(3, 0, PushMode.UPDATE, PushId.NONE, keys, pattern, true);
        ValuesMessage echoed = (ValuesMessage) await(c.request(push));
        assertArrayEquals(pattern, echoed.values());
        assertEquals(1, pushes.get());
        // 64 consecutive floats as the wire carries them (little endian): 256 bytes.
        ByteBuffer window = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 1000; i < 1064; i++) {
          window.putFloat(pattern[i]);
        }
        assertTrue(proxy.seen().length > pattern.length * 4 * 2, "the proxy relayed both directions");
        assertEquals(!tls, proxy.saw(window.array()),
            tls ? "TLS on, yet the relay saw the pushed values" : "the control: without TLS the relay sees them");
      }
    }
  }

  @Test
  void clientPinningAnotherCertificateIsRefused() throws Exception {
    PsAuthenticationException e = refusedConnect(TlsTesting.serverTls(identity), TlsTesting.clientTls(stranger),
        PsAuthenticationException.class, "pin");
    assertTrue(e.getMessage().contains("does not trust"), e.getMessage());
  }

  @Test
  void plaintextClientAgainstTlsServerIsRefused() throws Exception {
    PsAuthenticationException e = refusedConnect(TlsTesting.serverTls(identity), null,
        PsAuthenticationException.class, "plain-vs-tls");
    assertTrue(e.getMessage().contains("requires TLS"), e.getMessage());
    assertTrue(e.getMessage().contains("spark.ps.encryption=on"), e.getMessage());
  }

  @Test
  void tlsClientAgainstPlaintextServerIsRefused() throws Exception {
    PsTransportException e = refusedConnect(null, TlsTesting.clientTls(identity), PsTransportException.class,
        "tls-vs-plain");
    assertFalse(e instanceof PsTimeoutException, e.toString());
    assertTrue(e.getMessage().contains("does not use TLS"), e.getMessage());
    assertTrue(e.getMessage().contains("spark.ps.encryption"), e.getMessage());
  }

  /**
   * Connects a client with {@code clientTls} to a server with {@code serverTls} (null: plaintext),
   * expects the connect to fail with {@code type} naming the server, and checks the server's
   * handler saw nothing.
   */
  private static <E extends PsTransportException> E refusedConnect(TlsConfig serverTls, TlsConfig clientTls,
      Class<E> type, String name) throws Exception {
    TestHandler handler = new TestHandler();
    E e;
    try (PsTransportContext server = context(serverTls, name + "-server");
        PsTransportContext client = context(clientTls, name + "-client")) {
      TransportServer listener = server.createServer("127.0.0.1", 0, handler);
      e = failure(client.connect("127.0.0.1", listener.port(), null), type);
      assertTrue(e.getMessage().contains("127.0.0.1:" + listener.port()), e.getMessage());
    }
    assertEquals(0, handler.handled.get());
    return e;
  }

  @Test
  void serverWithoutKeyRefusesToListen() {
    try (PsTransportContext server = context(TlsTesting.clientTls(identity), "keyless-server")) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> server.createServer("127.0.0.1", 0, new TestHandler()));
      assertTrue(e.getMessage().contains("no key and certificate"), e.getMessage());
    }
  }
}
