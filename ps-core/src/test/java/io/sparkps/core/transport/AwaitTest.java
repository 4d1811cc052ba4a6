package io.sparkps.core.transport;

import static io.sparkps.core.testing.TransportTesting.WAIT_SECONDS;
import static io.sparkps.core.testing.TransportTesting.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.ScanMessage;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Each way a wait can end gives its own type: futures completed by hand, then over a real connection. */
class AwaitTest {

  private static final Duration LONG = Duration.ofSeconds(WAIT_SECONDS);

  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }

  private static <T> CompletableFuture<T> failed(Throwable t) {
    CompletableFuture<T> f = new CompletableFuture<>();
    f.completeExceptionally(t);
    return f;
  }

  @Test
  void aResultIsReturned() {
    assertEquals("ok", Await.result(CompletableFuture.completedFuture("ok"), LONG, "test"));
  }

  @Test
  void aRemoteErrorKeepsItsCodeAndShowsTheCallersStack() {
    PsRemoteException remote = new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "no table: tableId=3");
    PsRemoteException e = assertThrows(PsRemoteException.class, () -> Await.result(failed(remote), LONG, "pull"));
    assertEquals(ErrorCode.UNKNOWN_TABLE, e.code());
    assertEquals("no table: tableId=3", e.detail());
    assertSame(remote, e.getCause());
    assertEquals(AwaitTest.class.getName(), callerFrame(e), "thrown on the waiting thread");
  }

  @Test
  void aRemoteTimeoutIsARemoteErrorNotALocalDeadline() {
    PsRemoteException e = assertThrows(PsRemoteException.class, () -> Await.result(
        failed(new PsRemoteException(ErrorCode.TIMEOUT, "gate wait ended")), LONG, "clock"));
    assertEquals(ErrorCode.TIMEOUT, e.code());
  }

  @Test
  void aTransportFailureIsUncheckedIoWithTheTransportCause() {
    PsTransportException closed = new PsTransportException("connection to peer:1 closed");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> Await.result(failed(closed), LONG, "push on table t"));
    assertSame(closed, e.getCause());
    assertEquals("push on table t failed: connection to peer:1 closed", e.getMessage());
  }

  @Test
  void theConnectionsOwnRequestDeadlineIsATransportFailure() {
    PsTimeoutException late = new PsTimeoutException("request PULL to peer:1 timed out after PT1S");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Await.result(failed(late), LONG, "pull"));
    assertSame(late, e.getCause());
  }

  @Test
  void otherFailuresKeepTheirType() {
    IllegalArgumentException bad = new IllegalArgumentException("keys must be sorted: keys=[2, 1]");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Await.result(failed(bad), LONG, "pull"));
    assertEquals(bad.getMessage(), e.getMessage());
    assertSame(bad, e.getCause());
    RangeException range = new RangeException("key out of range: key=9 ([0, 4))");
    assertSame(range, assertThrows(RangeException.class, () -> Await.result(failed(range), LONG, "pull")),
        "a subtype is not rebuilt as a plain IllegalArgumentException");
    IllegalStateException state = new IllegalStateException("closed");
    assertSame(state, assertThrows(IllegalStateException.class, () -> Await.result(failed(state), LONG, "pull")));
    Exception checked = new Exception("checked");
    IllegalStateException wrapped = assertThrows(IllegalStateException.class,
        () -> Await.result(failed(checked), LONG, "pull"));
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void aPassedDeadlineIsLocalAndSaysWhatToDo() {
    CompletableFuture<String> never = new CompletableFuture<>();
    Duration deadline = Duration.ofMillis(50);
    PsDeadlineException e = assertThrows(PsDeadlineException.class,
        () -> Await.result(never, deadline, "clock of worker 1", "raise the clock timeout"));
    assertEquals("clock of worker 1 did not complete within PT0.05S (raise the clock timeout)", e.getMessage());
    assertEquals(deadline, e.timeout());
    assertFalse(never.isDone(), "waiting does not cancel the operation");
    PsDeadlineException byDefault = assertThrows(PsDeadlineException.class,
        () -> Await.result(never, deadline, "pull"));
    assertTrue(byDefault.getMessage().endsWith("(" + Await.DEFAULT_REMEDY + ")"), byDefault.getMessage());
  }

  @Test
  void anInterruptedCallerGetsItsOwnTypeAndKeepsTheFlag() {
    CompletableFuture<String> never = new CompletableFuture<>();
    Thread.currentThread().interrupt();
    try {
      PsInterruptedException e = assertThrows(PsInterruptedException.class,
          () -> Await.result(never, LONG, "barrier b"));
      assertTrue(Thread.currentThread().isInterrupted(), "interrupt flag restored");
      assertInstanceOf(InterruptedException.class, e.getCause());
      assertTrue(e.getMessage().startsWith("interrupted while waiting for barrier b"), e.getMessage());
      assertFalse(never.isDone(), "waiting does not cancel the operation");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aWaitingThreadInterruptedByAnotherStopsWaitingWithTheFlagSet() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread waiter = new Thread(() -> {
      waiting.countDown();
      try {
        Await.result(never, Duration.ofMinutes(5), "checkpoint");
      } catch (Throwable t) {
        thrown.set(t);
        flagAfter.set(Thread.currentThread().isInterrupted());
      }
    }, "await-test-waiter");
    waiter.start();
    assertTrue(waiting.await(WAIT_SECONDS, TimeUnit.SECONDS));
    waiter.interrupt();
    waiter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertFalse(waiter.isAlive(), "the interrupt ended the wait long before its deadline");
    assertInstanceOf(PsInterruptedException.class, thrown.get());
    assertTrue(flagAfter.get(), "interrupt flag restored");
  }

  @Test
  void overARealConnectionEachOutcomeHasItsType() throws Exception {
    TestHandler handler = new TestHandler();
    try (PsTransportContext serverContext = new PsTransportContext(config(), "await-server");
        PsTransportContext clientContext = new PsTransportContext(config(), "await-client")) {
      TransportServer server = serverContext.createServer("127.0.0.1", 0, handler);
      Connection c = Await.result(clientContext.connect("127.0.0.1", server.port(), null), LONG, "connect");

      PsRemoteException remote = assertThrows(PsRemoteException.class,
          () -> Await.result(c.request(new ClearMessage(3, 0)), LONG, "clear"));
      assertEquals(ErrorCode.UNKNOWN_TABLE, remote.code());

      // A held request: the wait gives up first, then the connection's own deadline fails the request.
      CompletableFuture<Message> held = c.request(new ScanMessage(1, 0, 0, 10), Duration.ofMillis(300));
      assertThrows(PsDeadlineException.class, () -> Await.result(held, Duration.ofMillis(20), "scan"));
      UncheckedIOException late = assertThrows(UncheckedIOException.class, () -> Await.result(held, LONG, "scan"));
      assertInstanceOf(PsTimeoutException.class, late.getCause());

      c.close();
      Await.result(c.closeFuture(), LONG, "close");
      UncheckedIOException closed = assertThrows(UncheckedIOException.class,
          () -> Await.result(c.request(new ClearMessage(3, 0)), LONG, "clear"));
      assertInstanceOf(PsTransportException.class, closed.getCause());
      handler.answerHeld();
    }
  }

  /** A subtype of IllegalArgumentException, as KeyOutOfRangeException is. */
  private static final class RangeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    RangeException(String message) {
      super(message);
    }
  }

  /** The class of the first frame outside Await: where the exception was created. */
  private static String callerFrame(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      if (!f.getClassName().equals(Await.class.getName())) {
        return f.getClassName();
      }
    }
    return "";
  }
}
