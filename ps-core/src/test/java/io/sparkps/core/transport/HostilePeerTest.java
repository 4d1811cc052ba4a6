package io.sparkps.core.transport;

import io.sparkps.core.testing.RawPeer;

import static io.sparkps.core.testing.TransportTesting.MAX_FRAME;
import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.config;
import static io.sparkps.core.testing.TransportTesting.configBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ProtocolVersion;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.MessageType;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.ValuesMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Raw sockets sending garbage, oversize, wrong-version and malformed frames: each gets an
 * error frame and/or a closed connection, while a well-behaved connection to the same server
 * keeps getting correct answers.
 */
class HostilePeerTest {

  private PsTransportContext serverContext;
  private PsTransportContext clientContext;
  private TestHandler handler;
  private TransportServer server;
  private Connection good;

  @BeforeEach
  void start() throws Exception {
    serverContext = new PsTransportContext(
        configBuilder().connectTimeout(Duration.ofMillis(500)).build(), "hostile-server");
    clientContext = new PsTransportContext(config(), "hostile-client");
    handler = new TestHandler();
    server = serverContext.createServer("127.0.0.1", 0, handler);
    good = await(clientContext.connect("127.0.0.1", server.port(), null));
    assertGoodConnectionWorks();
  }

  @AfterEach
  void stop() throws Exception {
    assertGoodConnectionWorks();
    clientContext.close();
    serverContext.close();
  }
  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }


  private void assertGoodConnectionWorks() throws Exception {
    assertEquals(new ValuesMessage(new float[] {2, 4}),
        await(good.request(new PullMessage(1, 0, new long[] {1, 2}))));
  }

  /** A frame with an arbitrary header and body, length field computed. */
  private static byte[] rawFrame(int version, int type, long requestId, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 10 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(10 + body.length).put((byte) version).put((byte) type).putLong(requestId).put(body);
    return b.array();
  }

  private static byte[] le(int... ints) {
    ByteBuffer b = ByteBuffer.allocate(4 * ints.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : ints) {
      b.putInt(i);
    }
    return b.array();
  }

  private static ErrorMessage assertConnectionError(RawPeer peer, ErrorCode code) throws Exception {
    Envelope e = peer.read();
    assertEquals(0, e.requestId(), "connection-level errors carry request id 0");
    ErrorMessage error = assertInstanceOf(ErrorMessage.class, e.message());
    assertEquals(code, error.code(), error::toString);
    assertTrue(peer.closedByServer(), "the server must close after a fatal error");
    return error;
  }

  @Test
  void oversizeFrameGetsFrameTooLargeAndAClose() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.handshake();
      peer.send(le(MAX_FRAME + 1));
      ErrorMessage error = assertConnectionError(peer, ErrorCode.FRAME_TOO_LARGE);
      assertEquals("frame of " + (MAX_FRAME + 1) + " bytes exceeds maxFrameBytes=" + MAX_FRAME
          + "; raise spark.ps.maxFrameBytes or send smaller batches", error.message());
    }
  }

  @Test
  void wrongVersionGetsUnsupportedVersionAndAClose() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.handshake();
      peer.send(rawFrame(ProtocolVersion.CURRENT + 1, MessageType.PULL.id(), 1, le(1, 0, 0)));
      ErrorMessage error = assertConnectionError(peer, ErrorCode.UNSUPPORTED_VERSION);
      assertTrue(error.message().contains("got " + (ProtocolVersion.CURRENT + 1) + ", this peer speaks " + ProtocolVersion.CURRENT), error.message());
    }
  }

  @Test
  void unknownTypeGetsMalformedFrameAndAClose() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.handshake();
      peer.send(rawFrame(ProtocolVersion.CURRENT, 120, 1, new byte[0]));
      ErrorMessage error = assertConnectionError(peer, ErrorCode.MALFORMED_FRAME);
      assertTrue(error.message().contains("unknown message type: type=120"), error.message());
    }
  }

  @Test
  void textGarbageIsRejected() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.readChallenge();
      peer.send("GET / HTTP/1.1\r\nHost: ps\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // "GET " read as a little-endian length is ~542 MB: far above the limit.
      assertConnectionError(peer, ErrorCode.FRAME_TOO_LARGE);
    }
  }

  @Test
  void malformedBodyIsAnsweredAndTheConnectionStaysOpen() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.handshake();
      // PULL announcing 1000 keys and carrying one.
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(le(1, 0, 1000));
      body.write(new byte[8]);
      peer.send(rawFrame(ProtocolVersion.CURRENT, MessageType.PULL.id(), 9, body.toByteArray()));
      Envelope e = peer.read();
      assertEquals(9, e.requestId());
      ErrorMessage error = assertInstanceOf(ErrorMessage.class, e.message());
      assertEquals(ErrorCode.MALFORMED_FRAME, error.code());
      assertTrue(error.message().contains("count=1000"), error.message());
      // Same socket, next request: answered normally.
      peer.send(new Envelope(10, new PullMessage(1, 0, new long[] {21})));
      assertEquals(new Envelope(10, new ValuesMessage(new float[] {42})), peer.read());
    }
  }

  @Test
  void requestBeforeTheHandshakeIsRejectedAndNeverHandled() throws Exception {
    int handledBefore = handler.handled.get();
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.readChallenge();
      peer.send(new Envelope(1, new PullMessage(1, 0, new long[] {1})));
      peer.send(new Envelope(2, new PullMessage(1, 0, new long[] {2})));
      ErrorMessage error = assertConnectionError(peer, ErrorCode.UNAUTHENTICATED);
      assertTrue(error.message().contains("before authentication"), error.message());
    }
    assertEquals(handledBefore, handler.handled.get());
  }

  @Test
  void malformedFrameBeforeTheHandshakeIsFatal() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.readChallenge();
      peer.send(rawFrame(ProtocolVersion.CURRENT, MessageType.AUTH_RESPONSE.id(), 0, le(5000)));
      assertConnectionError(peer, ErrorCode.MALFORMED_FRAME);
    }
  }

  @Test
  void silentPeerIsDroppedAfterTheConnectTimeout() throws Exception {
    try (RawPeer peer = new RawPeer(server.port())) {
      peer.readChallenge();
      ErrorMessage error = assertConnectionError(peer, ErrorCode.UNAUTHENTICATED);
      assertTrue(error.message().contains("not completed within"), error.message());
    }
  }
}
