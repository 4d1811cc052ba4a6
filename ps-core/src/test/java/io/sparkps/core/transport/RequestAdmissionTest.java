package io.sparkps.core.transport;

import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.configBuilder;
import static io.sparkps.core.testing.TransportTesting.remoteFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.GetRoutingMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.testing.TransportTesting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server side's admission accounting: whichever way a request is answered (on the event loop,
 * from another thread, with an error, by a throwing handler, not at all because it was one-way,
 * or never because the connection closed), its bytes and in-flight slot return exactly once; and
 * a connection at its in-flight limit stops being read until half are answered.
 */
class RequestAdmissionTest {

  private static final Duration WAIT = Duration.ofSeconds(TransportTesting.WAIT_SECONDS);
  private PsTransportContext serverContext;
  private PsTransportContext clientContext;
  private TestHandler handler;
  private TransportServer server;

  private void start(int maxInFlight) throws Exception {
    serverContext = new PsTransportContext(configBuilder().maxInFlightRequests(maxInFlight).build(), "test-server");
    clientContext = new PsTransportContext(TransportTesting.config(), "test-client");
    handler = new TestHandler();
    server = serverContext.createServer("127.0.0.1", 0, handler);
  }

  @AfterEach
  void stop() {
    if (clientContext != null) {
      clientContext.close();
    }
    if (serverContext != null) {
      serverContext.close();
    }
  }

  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }

  @Test
  void everyWayOfAnsweringReturnsTheBytesExactlyOnce() throws Exception {
    start(128);
    PendingBytes pending = serverContext.pendingBytes();
    Connection c = await(clientContext.connect("127.0.0.1", server.port(), null));
    List<CompletableFuture<Message>> pulls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      pulls.add(c.request(new PullMessage(1, 0, new long[] {i})));  // answered on the event loop
    }
    CompletableFuture<Message> error = c.request(new ClearMessage(3, 0));  // replyError
    CompletableFuture<Message> thrown = c.request(new DropShardMessage(4));  // the handler throws
    CompletableFuture<Message> relayed = c.request(new RegisterServerMessage("h", 1));  // answered from a callback
    CompletableFuture<Message> routing = c.request(new GetRoutingMessage());  // one-way first, then Ok
    for (int i = 0; i < 5; i++) {
      c.sendOneWay(new PullMessage(9, 0, new long[] {i}));  // one-way: nothing to answer
    }
    CompletableFuture<Message> held1 = c.request(new ScanMessage(1, 0, 0, 10));  // answered from this thread
    CompletableFuture<Message> held2 = c.request(new ScanMessage(1, 0, 0, 10));
    for (int i = 0; i < pulls.size(); i++) {
      assertEquals(new ValuesMessage(new float[] {2f * i}), await(pulls.get(i)));
    }
    assertEquals(ErrorCode.UNKNOWN_TABLE, remoteFailure(error).code());
    assertEquals(ErrorCode.INVALID_ARGUMENT, remoteFailure(thrown).code());
    assertEquals(ErrorCode.UNEXPECTED_MESSAGE, remoteFailure(relayed).code(), "the client accepts no requests");
    assertEquals(OkMessage.INSTANCE, await(routing));
    for (int i = 0; i < 5; i++) {
      assertTrue(handler.oneWay.poll(TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS) != null);
    }
    assertTrue(handler.heldArrived.tryAcquire(2, TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
    // Only the two held scans still hold bytes: a frame and a small reply each.
    PendingBytes.Stats two = pending.await(s -> s.held() <= 2 * (RequestAdmission.SMALL_REPLY_BYTES + 64), WAIT);
    assertTrue(two.held() > 0, two.toString());
    handler.answerHeld();
    await(held1);
    await(held2);
    PendingBytes.Stats none = pending.await(s -> s.held() == 0, WAIT);
    assertEquals(0, none.waitingRequests());
    assertTrue(none.peak() > 0 && none.peak() <= none.limit(), none.toString());

    // A request still running when its connection closes returns its bytes at the close, once;
    // its late reply finds nothing to return.
    CompletableFuture<Message> orphan = c.request(new ScanMessage(1, 0, 0, 10));
    assertTrue(handler.heldArrived.tryAcquire(1, TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(pending.held() > 0);
    c.close();
    await(handler.closed);
    pending.await(s -> s.held() == 0, WAIT);
    handler.answerHeld();
    TransportTesting.failure(orphan, PsTransportException.class);
    assertEquals(0, pending.held());
  }

  @Test
  void aConnectionAtItsInFlightLimitIsNotReadUntilHalfAreAnswered() throws Exception {
    start(4);
    PendingBytes pending = serverContext.pendingBytes();
    Connection c = await(clientContext.connect("127.0.0.1", server.port(), null));
    List<CompletableFuture<Message>> scans = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      scans.add(c.request(new ScanMessage(1, 0, i, 10)));
    }
    // Four reach the handler; the rest are held back and the channel is not read.
    assertTrue(handler.heldArrived.tryAcquire(4, TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS));
    PendingBytes.Stats stopped = pending.await(s -> s.pausedConnections() == 1 && s.waitingRequests() > 0, WAIT);
    assertEquals(4, handler.handled.get(), stopped.toString());
    // Answering lets more in; one may arrive while a batch is being answered, so count what was
    // answered and wait for an arrival (a permit per arrival) before each next batch.
    int answered = handler.answerHeld();
    while (answered < scans.size()) {
      assertTrue(handler.heldArrived.tryAcquire(1, TransportTesting.WAIT_SECONDS, TimeUnit.SECONDS),
          "answered " + answered + " of " + scans.size());
      answered += handler.answerHeld();
    }
    for (CompletableFuture<Message> f : scans) {
      assertEquals(OkMessage.INSTANCE, await(f));
    }
    PendingBytes.Stats after = pending.await(s -> s.held() == 0 && s.pausedConnections() == 0, WAIT);
    assertEquals(0, after.waitingRequests());
    assertEquals(20, handler.handled.get());
    assertTrue(c.isActive());
  }

  @Test
  void bytesAreGrantedInArrivalOrderAndAWithdrawnWaiterIsSkipped() {
    PendingBytes budget = new PendingBytes(100);
    assertTrue(budget.tryAcquire(80));
    List<String> granted = new ArrayList<>();
    PendingBytes.Waiter big = waiter("big", 50, granted);
    PendingBytes.Waiter gone = waiter("gone", 10, granted);
    PendingBytes.Waiter small = waiter("small", 10, granted);
    budget.await(big);
    budget.await(gone);
    budget.await(small);
    assertFalse(budget.tryAcquire(5), "nobody overtakes waiters");
    assertTrue(budget.cancel(gone));
    budget.release(40);  // 40 held: big (50) fits, then small (10)
    assertEquals(List.of("big", "small"), granted);
    assertEquals(100, budget.held());
    assertFalse(budget.cancel(big), "already granted");
    budget.release(100);
    assertEquals(0, budget.held());
    assertEquals(100, budget.peak());
  }

  private static PendingBytes.Waiter waiter(String name, long bytes, List<String> granted) {
    return new PendingBytes.Waiter() {
      @Override
      public long bytes() {
        return bytes;
      }

      @Override
      public void granted() {
        granted.add(name);
      }
    };
  }
}
