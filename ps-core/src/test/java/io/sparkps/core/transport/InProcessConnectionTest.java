package io.sparkps.core.transport;

import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code PsConfig.inProcessConnections}: a connection to a listener of the same JVM skips TCP,
 * with the same handshake, replies, errors and limits as over TCP; off, or for a listener that
 * did not opt in, connections go over TCP as before.
 */
class InProcessConnectionTest {

  private static final byte[] SECRET = "in-process-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER = "another-secret-abcdefghijkl".getBytes(StandardCharsets.UTF_8);

  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }

  private static PsConfig config(boolean inProcess, byte[] secret) {
    // Frames of several MiB: the large-frame path (inbound budget, sized cumulation) is exercised too.
    return PsConfig.builder().maxFrameBytes(8 << 20).ioThreads(2).requestTimeout(Duration.ofSeconds(30))
        .secret(secret).inProcessConnections(inProcess).build();
  }

  @Test
  void aClientOfTheSameJvmConnectsInProcessAndGetsWhatTcpGives() throws Exception {
    try (PsTransportContext serverContext = new PsTransportContext(config(true, SECRET), "inproc-server");
         PsTransportContext inProcess = new PsTransportContext(config(true, SECRET), "inproc-client");
         PsTransportContext tcp = new PsTransportContext(config(false, SECRET), "tcp-client")) {
      TransportServer server = serverContext.createServer("127.0.0.1", 0, new TestHandler());
      Connection local = await(inProcess.connect("127.0.0.1", server.port(), null));
      assertEquals(1, server.inProcessConnectionCount(), "the in-process client came in-process");
      Connection remote = await(tcp.connect("127.0.0.1", server.port(), null));
      assertEquals(1, server.inProcessConnectionCount(), "the TCP client came over TCP");
      assertEquals(2, server.connectionCount());
      List<Message> requests = List.of(new PullMessage(1, 0, new long[] {3, 5, 8}),
          new PullRangeMessage(1, 0, 0, 1 << 20));
      for (Message request : requests) {
        assertEquals(await(remote.request(request)), await(local.request(request)), "reply to " + request.type());
      }
      PsRemoteException overTcp = failure(remote.request(new ClearMessage(1, 0)), PsRemoteException.class);
      PsRemoteException inProc = failure(local.request(new ClearMessage(1, 0)), PsRemoteException.class);
      assertEquals(ErrorCode.UNKNOWN_TABLE, inProc.code());
      assertEquals(overTcp.getMessage(), inProc.getMessage());
      local.close();
      await(local.closeFuture());
    }
  }

  @Test
  void theHandshakeStillDecides() throws Exception {
    try (PsTransportContext serverContext = new PsTransportContext(config(true, SECRET), "inproc-server");
         PsTransportContext wrong = new PsTransportContext(config(true, OTHER), "inproc-wrong")) {
      TransportServer server = serverContext.createServer("127.0.0.1", 0, new TestHandler());
      PsAuthenticationException e = failure(wrong.connect("127.0.0.1", server.port(), null),
          PsAuthenticationException.class);
      assertTrue(e.getMessage().contains("does not match"), e.getMessage());
      assertEquals(ErrorCode.UNAUTHENTICATED, ((PsRemoteException) e.getCause()).code());
    }
  }

  @Test
  void aListenerThatDidNotOptInIsReachedOverTcpAndAClosedOneNotAtAll() throws Exception {
    int port;
    try (PsTransportContext serverContext = new PsTransportContext(config(false, SECRET), "tcp-server");
         PsTransportContext client = new PsTransportContext(config(true, SECRET), "inproc-client")) {
      TransportServer server = serverContext.createServer("127.0.0.1", 0, new TestHandler());
      Connection c = await(client.connect("127.0.0.1", server.port(), null));
      assertEquals(0, server.inProcessConnectionCount());
      assertEquals(1, server.connectionCount());
      assertFalse(await(c.request(new PullMessage(1, 0, new long[] {1}))) == null);
    }
    List<Integer> ports = new ArrayList<>();
    try (PsTransportContext serverContext = new PsTransportContext(config(true, SECRET), "inproc-server")) {
      TransportServer server = serverContext.createServer("127.0.0.1", 0, new TestHandler());
      ports.add(server.port());
    }
    port = ports.get(0);
    try (PsTransportContext client = new PsTransportContext(config(true, SECRET), "inproc-client")) {
      // Closed with its context: unregistered, so the connect goes to TCP and is refused there.
      failure(client.connect("127.0.0.1", port, null), PsTransportException.class);
    }
  }
}
