package io.sparkps.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageType;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outstanding-request map alone, on an embedded event loop whose clock the test moves. */
class OutstandingRequestsTest {

  private final EmbeddedChannel loop = new EmbeddedChannel();
  private final OutstandingRequests requests = new OutstandingRequests("peer:1", Runnable::run);

  OutstandingRequestsTest() {
    loop.freezeTime();
  }

  @AfterEach
  void finish() {
    loop.finish();
  }

  private CompletableFuture<Message> register(long id, Duration timeout) {
    CompletableFuture<Message> f = new CompletableFuture<>();
    requests.register(id, MessageType.PULL, f, timeout, loop.eventLoop());
    return f;
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a failure");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void responseCompletesAndCancelsTheTimer() {
    CompletableFuture<Message> f = register(1, Duration.ofSeconds(5));
    assertTrue(requests.complete(1, OkMessage.INSTANCE));
    assertSame(OkMessage.INSTANCE, f.join());
    loop.advanceTimeBy(10, TimeUnit.SECONDS);
    loop.runScheduledPendingTasks();
    assertEquals(0, requests.size());
  }

  @Test
  void deadlineFailsWithTimeoutExactlyWhenDue() {
    CompletableFuture<Message> f = register(7, Duration.ofSeconds(5));
    loop.advanceTimeBy(4, TimeUnit.SECONDS);
    loop.runScheduledPendingTasks();
    assertFalse(f.isDone());
    loop.advanceTimeBy(1, TimeUnit.SECONDS);
    loop.runScheduledPendingTasks();
    PsTimeoutException e = assertInstanceOf(PsTimeoutException.class, cause(f));
    assertEquals("request PULL to peer:1 timed out after PT5S (requestTimeout); requestId=7",
        e.getMessage());
    assertEquals(0, requests.size());
    assertFalse(requests.complete(7, OkMessage.INSTANCE), "a late response is unknown");
  }

  @Test
  void errorResponseFailsWithRemoteException() {
    CompletableFuture<Message> f = register(2, Duration.ofSeconds(5));
    assertTrue(requests.complete(2, new ErrorMessage(ErrorCode.WRONG_OWNER, "moved")));
    PsRemoteException e = assertInstanceOf(PsRemoteException.class, cause(f));
    assertEquals(ErrorCode.WRONG_OWNER, e.code());
    assertEquals("moved", e.detail());
  }

  @Test
  void unknownIdsAreIgnored() {
    assertFalse(requests.complete(99, OkMessage.INSTANCE));
    assertFalse(requests.fail(99, new RuntimeException()));
  }

  @Test
  void failAllFailsEveryEntryEvenWhenOneFailureThrows() {
    CompletableFuture<Message> a = register(1, Duration.ofSeconds(5));
    CompletableFuture<Message> b = register(2, Duration.ofSeconds(5));
    CompletableFuture<Message> c = register(3, Duration.ofSeconds(5));
    int n = requests.failAll(p -> {
      if (p.requestId == 2) {
        throw new IllegalStateException("misbehaving failure factory");
      }
      return new PsTransportException("closed: " + p.requestId);
    });
    assertEquals(3, n);
    assertEquals("closed: 1", cause(a).getMessage());
    assertEquals("closed: 3", cause(c).getMessage());
    assertFalse(b.isDone());
    assertEquals(0, requests.size());
  }
}
