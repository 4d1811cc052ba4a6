package io.sparkps.core.transport;

import io.sparkps.core.testing.TransportTesting;

import static io.sparkps.core.testing.TransportTesting.WAIT_SECONDS;
import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.config;
import static io.sparkps.core.testing.TransportTesting.configBuilder;
import static io.sparkps.core.testing.TransportTesting.failure;
import static io.sparkps.core.testing.TransportTesting.remoteFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.GetRoutingMessage;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RoutingMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.SizeMessage;
import io.sparkps.core.protocol.SubscribeRoutingMessage;
import io.sparkps.core.protocol.ValuesMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real loopback servers on ephemeral ports. */
class TransportIntegrationTest {

  private PsTransportContext serverContext;
  private PsTransportContext clientContext;
  private TestHandler handler;
  private TransportServer server;

  @BeforeEach
  void start() throws Exception {
    serverContext = new PsTransportContext(config(), "test-server");
    clientContext = new PsTransportContext(config(), "test-client");
    handler = new TestHandler();
    server = serverContext.createServer("127.0.0.1", 0, handler);
  }

  @AfterEach
  void stop() {
    clientContext.close();
    serverContext.close();
  }
  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }


  private Connection connect() throws Exception {
    return connect(null);
  }

  private Connection connect(RequestHandler clientHandler) throws Exception {
    return await(clientContext.connect("127.0.0.1", server.port(), clientHandler));
  }

  @Test
  void requestGetsItsResponse() throws Exception {
    assertTrue(server.port() > 0);
    Connection c = connect();
    assertTrue(c.isActive());
    assertEquals("127.0.0.1:" + server.port(), c.remoteAddress());
    Message m = await(c.request(new PullMessage(1, 0, new long[] {1, 2, 3})));
    assertEquals(new ValuesMessage(new float[] {2, 4, 6}), m);
    assertEquals(0, c.outstandingRequests());
  }

  @Test
  void concurrentRequestsAreMatchedToTheirResponses() throws Exception {
    Connection c = connect();
    int threads = 8;
    int perThread = 2000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<CompletableFuture<Message>>>> senders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int table = t;
        senders.add(pool.submit(() -> {
          start.await();
          List<CompletableFuture<Message>> futures = new ArrayList<>(perThread);
          for (int i = 0; i < perThread; i++) {
            futures.add(c.request(new SizeMessage(table, i)));
          }
          return futures;
        }));
      }
      start.countDown();
      for (int t = 0; t < threads; t++) {
        List<CompletableFuture<Message>> futures = senders.get(t).get(WAIT_SECONDS, TimeUnit.SECONDS);
        for (int i = 0; i < perThread; i++) {
          assertEquals(new CountMessage(TestHandler.sizeAnswer(t, i)), await(futures.get(i)));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, c.outstandingRequests());
  }

  @Test
  void errorResponsesFailTheFutureAndKeepTheConnection() throws Exception {
    Connection c = connect();
    PsRemoteException e = remoteFailure(c.request(new ClearMessage(9, 0)));
    assertEquals(ErrorCode.UNKNOWN_TABLE, e.code());
    assertEquals("no table: tableId=9", e.detail());

    e = remoteFailure(c.request(new DropShardMessage(4)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertEquals("bad shard: tableId=4", e.detail());

    assertTrue(c.isActive());
    assertEquals(new ValuesMessage(new float[] {10}), await(c.request(new PullMessage(1, 0, new long[] {5}))));
  }

  @Test
  void serverCloseFailsEveryOutstandingRequest() throws Exception {
    Connection c = connect();
    List<CompletableFuture<Message>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      futures.add(c.request(new ScanMessage(1, 0, i, 10)));
    }
    assertTrue(handler.heldArrived.tryAcquire(5, WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(5, c.outstandingRequests());
    server.close();
    for (CompletableFuture<Message> f : futures) {
      PsTransportException e = failure(f, PsTransportException.class);
      assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
      assertTrue(e.getMessage().contains("5 outstanding requests"), e.getMessage());
    }
    await(c.closeFuture());
    assertFalse(c.isActive());
    assertEquals(0, c.outstandingRequests());
    assertNotNull(await(handler.closed));
    // A closed connection refuses new requests at once.
    failure(c.request(new PullMessage(1, 0, new long[0])), PsTransportException.class);
  }

  @Test
  void requestTimeoutFailsTheFutureAndRemovesTheEntry() throws Exception {
    Connection c = connect();
    CompletableFuture<Message> f = c.request(new ScanMessage(1, 0, 0, 10), Duration.ofMillis(200));
    PsTimeoutException e = failure(f, PsTimeoutException.class);
    assertTrue(e.getMessage().contains("SCAN"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
    assertTrue(e.getMessage().contains("PT0.2S"), e.getMessage());
    assertEquals(0, c.outstandingRequests());
    // The late answer is dropped; the connection keeps working.
    assertTrue(handler.heldArrived.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS));
    handler.answerHeld();
    assertEquals(new ValuesMessage(new float[] {2}), await(c.request(new PullMessage(1, 0, new long[] {1}))));
  }

  @Test
  void futuresCompleteOffTheEventLoop() throws Exception {
    Connection c = connect();
    CompletableFuture<Message> f = c.request(new ScanMessage(1, 0, 0, 10));
    CompletableFuture<String> thread = f.thenApply(m -> Thread.currentThread().getName());
    assertTrue(handler.heldArrived.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS));
    handler.answerHeld();
    assertTrue(await(thread).startsWith("test-client-callback-"), await(thread));
  }

  @Test
  void serverCanSendRequestsToTheClientOverTheSameConnection() throws Exception {
    RequestHandler clientHandler = new TestHandler();
    Connection c = connect(clientHandler);
    // The server's handler asks the client for keys {1, 2, 3} and relays the client's answer.
    Message relayed = await(c.request(new RegisterServerMessage("127.0.0.1", 1)));
    assertEquals(new ValuesMessage(new float[] {2, 4, 6}), relayed);
  }

  @Test
  void clientWithoutHandlerAnswersUnexpectedMessage() throws Exception {
    Connection c = connect(null);
    PsRemoteException e = remoteFailure(c.request(new RegisterServerMessage("127.0.0.1", 1)));
    assertEquals(ErrorCode.UNEXPECTED_MESSAGE, e.code());
    assertTrue(e.detail().contains("accepts no requests"), e.detail());
  }

  @Test
  void oneWayMessagesFlowBothWays() throws Exception {
    TestHandler clientHandler = new TestHandler();
    Connection c = connect(clientHandler);
    c.sendOneWay(new HeartbeatMessage(3));
    assertEquals(new Envelope(0, new HeartbeatMessage(3)),
        handler.oneWay.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    // A response type sent one-way (a routing push) goes to the handler, not the request map.
    assertEquals(OkMessage.INSTANCE, await(c.request(GetRoutingMessage.INSTANCE)));
    assertEquals(new Envelope(0, new RoutingMessage(RoutingTable.empty())),
        clientHandler.oneWay.poll(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void connectionLevelErrorFailsOutstandingRequestsWithItsCode() throws Exception {
    Connection c = connect();
    CompletableFuture<Message> held = c.request(new ScanMessage(1, 0, 0, 10));
    assertTrue(handler.heldArrived.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS));
    CompletableFuture<Message> trigger = c.request(SubscribeRoutingMessage.INSTANCE);
    assertEquals(ErrorCode.SHUTTING_DOWN, remoteFailure(held).code());
    assertEquals("server stopping", remoteFailure(trigger).detail());
  }

  @Test
  void oversizeRequestFailsLocallyAndTheConnectionSurvives() throws Exception {
    Connection c = connect();
    PsRemoteException e = remoteFailure(c.request(new PullMessage(1, 0, new long[10_000])));
    assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    assertTrue(e.detail().contains("maxFrameBytes=" + TransportTesting.MAX_FRAME), e.detail());
    assertThrows(PsRemoteException.class, () -> c.sendOneWay(new ValuesMessage(new float[20_000])));
    assertTrue(c.isActive());
    assertEquals(0, c.outstandingRequests());
    assertEquals(new ValuesMessage(new float[] {2}), await(c.request(new PullMessage(1, 0, new long[] {1}))));
  }

  @Test
  void oversizeResponseBecomesAnError() throws Exception {
    Connection c = connect();
    PsRemoteException e = remoteFailure(c.request(new PullRangeMessage(1, 0, 0, 20_000)));
    assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
    assertEquals(new ValuesMessage(new float[100]), await(c.request(new PullRangeMessage(1, 0, 0, 100))));
  }

  @Test
  void connectToAClosedPortFails() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PsTransportException e = failure(clientContext.connect("127.0.0.1", port, null),
        PsTransportException.class);
    assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
  }

  @Test
  void connectTimesOutWhenTheHandshakeNeverCompletes() throws Exception {
    try (ServerSocket silent = new ServerSocket(0);
        PsTransportContext impatient = new PsTransportContext(
            configBuilder().connectTimeout(Duration.ofMillis(300)).build(), "test-impatient")) {
      // The kernel completes the TCP handshake from the backlog; nobody ever sends a challenge.
      PsTimeoutException e = failure(impatient.connect("127.0.0.1", silent.getLocalPort(), null),
          PsTimeoutException.class);
      assertTrue(e.getMessage().contains("connectTimeout"), e.getMessage());
    }
  }

  @Test
  void closingTheConnectionNotifiesBothSides() throws Exception {
    Connection c = connect();
    c.close();
    await(c.closeFuture());
    Connection serverSide = await(handler.closed);
    assertFalse(serverSide.isActive());
    failure(c.request(new PullMessage(1, 0, new long[0])), PsTransportException.class);
  }

  @Test
  void attachmentsAreKept() throws Exception {
    Connection c = connect();
    Object token = new Object();
    c.attach(token);
    assertSame(token, c.attachment());
  }

  @Test
  void contextCloseClosesConnectionsAndIsIdempotent() throws Exception {
    Connection c = connect();
    clientContext.close();
    await(c.closeFuture());
    clientContext.close();
    failure(clientContext.connect("127.0.0.1", server.port(), null), PsTransportException.class);
    assertThrows(IllegalStateException.class,
        () -> clientContext.createServer("127.0.0.1", 0, handler));
  }

  @Test
  void serverCloseIsIdempotentAndFreesThePort() throws Exception {
    int port = server.port();
    server.close();
    server.close();
    try (TransportServer again = serverContext.createServer("127.0.0.1", port, handler)) {
      assertEquals(port, again.port());
    }
  }

  @Test
  void requestArgumentsAreValidated() throws Exception {
    Connection c = connect();
    assertThrows(IllegalArgumentException.class, () -> c.request(OkMessage.INSTANCE));
    assertThrows(IllegalArgumentException.class,
        () -> c.request(new PullMessage(1, 0, new long[0]), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> c.reply(1, new PullMessage(1, 0, new long[0])));
    c.reply(0, OkMessage.INSTANCE); // a reply to a one-way message is dropped, not an error
    assertInstanceOf(ValuesMessage.class, await(c.request(new PullMessage(1, 0, new long[] {1}))));
  }

  @Test
  void nioAndNativePeersInteroperate() throws Exception {
    PsConfig nio = configBuilder().preferNativeTransport(false).build();
    try (PsTransportContext nioServer = new PsTransportContext(nio, "test-nio-server");
        PsTransportContext nioClient = new PsTransportContext(nio, "test-nio-client")) {
      assertFalse(nioServer.nativeTransport());
      TransportServer s = nioServer.createServer("127.0.0.1", 0, handler);
      Connection fromDefault = await(clientContext.connect("127.0.0.1", s.port(), null));
      Connection fromNio = await(nioClient.connect("127.0.0.1", server.port(), null));
      PullMessage pull = new PullMessage(1, 0, new long[] {4});
      assertEquals(new ValuesMessage(new float[] {8}), await(fromDefault.request(pull)));
      assertEquals(new ValuesMessage(new float[] {8}), await(fromNio.request(pull)));
    }
  }

  @Test
  void transportReportsItsFlavour() {
    // epoll on Linux when the native library loads; NIO otherwise. Both must work.
    assertEquals(serverContext.nativeTransport(), clientContext.nativeTransport());
    assertNotNull(serverContext.callbackExecutor());
  }
}
