package io.sparkps.core.transport;

import static io.sparkps.core.testing.TransportTesting.await;
import static io.sparkps.core.testing.TransportTesting.config;
import static io.sparkps.core.testing.TransportTesting.remoteFailure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.SizeMessage;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.protocol.ValuesTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several requests in flight on one connection, answered out of order by a small server on the
 * real transport, and the sink/target request path: replies read straight into the caller's array,
 * settled on the event loop, wrong-sized replies refused without writing.
 */
class PipelinedRepliesTest {

  /** PULLs are held until {@code batch} have arrived, then answered newest first: dim floats key*10+j. */
  private static final class ReversingHandler implements RequestHandler {
    private final List<Object[]> held = new ArrayList<>();
    volatile int batch = 1;
    /** Floats per key in replies; a test changes it to send wrong-sized replies. */
    volatile int replyDim = 2;

    @Override
    public synchronized void handle(Connection connection, long requestId, Message message) {
      if (message instanceof SizeMessage) {
        connection.reply(requestId, new io.sparkps.core.protocol.CountMessage(0));
        return;
      }
      held.add(new Object[] {requestId, message});
      if (held.size() >= batch) {
        for (int i = held.size() - 1; i >= 0; i--) {
          long id = (Long) held.get(i)[0];
          long[] keys = ((PullMessage) held.get(i)[1]).keys();
          connection.reply(id, new ValuesMessage(rows(keys, replyDim)));
        }
        held.clear();
      }
    }
  }

  static float[] rows(long[] keys, int dim) {
    float[] v = new float[keys.length * dim];
    for (int i = 0; i < keys.length; i++) {
      for (int j = 0; j < dim; j++) {
        v[i * dim + j] = keys[i] * 10 + j;
      }
    }
    return v;
  }

  /** A sink recording its outcome and the thread it ran on. */
  private static final class Recorder implements ReplySink {
    final CompletableFuture<Message> outcome = new CompletableFuture<>();
    volatile boolean onEventLoop;
    private final Connection connection;

    Recorder(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void complete(Message response) {
      onEventLoop = connection.channel().eventLoop().inEventLoop();
      outcome.complete(response);
    }

    @Override
    public void fail(Throwable failure) {
      onEventLoop = connection.channel().eventLoop().inEventLoop();
      outcome.completeExceptionally(failure);
    }
  }

  private PsTransportContext serverContext;
  private PsTransportContext clientContext;
  private ReversingHandler handler;
  private TransportServer server;

  @BeforeEach
  void start() throws Exception {
    serverContext = new PsTransportContext(config(), "pipe-server");
    clientContext = new PsTransportContext(config(), "pipe-client");
    handler = new ReversingHandler();
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
    return await(clientContext.connect("127.0.0.1", server.port(), null));
  }

  @Test
  void repliesInReverseOrderCompleteTheirOwnRequests() throws Exception {
    Connection c = connect();
    int n = 16;
    handler.batch = n;
    List<CompletableFuture<Message>> futures = new ArrayList<>();
    List<Recorder> sinks = new ArrayList<>();
    float[] out = new float[n * 3 * 2];
    Arrays.fill(out, -1);
    for (int i = 0; i < n; i++) {
      long[] keys = {3L * i, 3L * i + 1, 3L * i + 2};
      if (i % 2 == 0) {
        futures.add(c.request(new PullMessage(1, 0, keys)));
        sinks.add(null);
      } else {
        Recorder r = new Recorder(c);
        c.request(new PullMessage(1, 0, keys), Duration.ofSeconds(30), ValuesTarget.contiguous(out, i * 6, 3, 2), r);
        futures.add(r.outcome);
        sinks.add(r);
      }
    }
    for (int i = 0; i < n; i++) {
      long[] keys = {3L * i, 3L * i + 1, 3L * i + 2};
      Message m = await(futures.get(i));
      if (i % 2 == 0) {
        assertEquals(new ValuesMessage(rows(keys, 2)), m, "request " + i);
      } else {
        assertNull(m, "a reply read into the target completes with null");
        assertArrayEquals(rows(keys, 2), Arrays.copyOfRange(out, i * 6, i * 6 + 6), "request " + i);
        assertTrue(sinks.get(i).onEventLoop, "a sink is settled on the event loop, not handed off");
      }
    }
    for (int i = 0; i < n; i += 2) {
      assertArrayEquals(new float[] {-1, -1, -1, -1, -1, -1}, Arrays.copyOfRange(out, i * 6, i * 6 + 6),
          "rows no target covers stay untouched");
    }
    assertEquals(0, c.outstandingRequests());
  }

  @Test
  void scatteredTargetPlacesEachRow() throws Exception {
    Connection c = connect();
    float[] out = new float[2 + 4 * 2];
    Recorder r = new Recorder(c);
    // keys 5, 6, 7 sat at positions 3, 0, 2 of the caller's request; offset 2.
    c.request(new PullMessage(1, 0, new long[] {5, 6, 7}), Duration.ofSeconds(30),
        ValuesTarget.scattered(out, 2, new int[] {3, 0, 2}, 2), r);
    assertNull(await(r.outcome));
    assertArrayEquals(new float[] {0, 0, 60, 61, 0, 0, 70, 71, 50, 51}, out);
  }

  @Test
  void wrongSizedReplyFailsTheRequestAndWritesNothing() throws Exception {
    Connection c = connect();
    handler.replyDim = 3; // the target expects dim 2
    float[] out = new float[4];
    Arrays.fill(out, -1);
    Recorder r = new Recorder(c);
    c.request(new PullMessage(1, 0, new long[] {1, 2}), Duration.ofSeconds(30), ValuesTarget.contiguous(out, 0, 2, 2), r);
    PsRemoteException e = remoteFailure(r.outcome);
    assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    assertTrue(e.getMessage().contains("VALUES reply holds 6 floats, expected 4 (2 rows x dim 2 of the request)"),
        e.getMessage());
    assertArrayEquals(new float[] {-1, -1, -1, -1}, out, "nothing written");
    // The stream is intact: the connection goes on.
    handler.replyDim = 2;
    assertEquals(new ValuesMessage(rows(new long[] {4}, 2)), await(c.request(new PullMessage(1, 0, new long[] {4}))));
  }

  @Test
  void timedOutRequestIsNeverWrittenByItsLateReply() throws Exception {
    Connection c = connect();
    handler.batch = 2; // holds the first PULL until a second one arrives
    float[] out = new float[2];
    Recorder r = new Recorder(c);
    c.request(new PullMessage(1, 0, new long[] {1}), Duration.ofMillis(50), ValuesTarget.contiguous(out, 0, 1, 2), r);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> r.outcome.get(30, TimeUnit.SECONDS));
    assertInstanceOf(PsTimeoutException.class, e.getCause());
    // The second PULL releases both replies (newest first); the late one is dropped unread.
    assertEquals(new ValuesMessage(rows(new long[] {2}, 2)), await(c.request(new PullMessage(1, 0, new long[] {2}))));
    // A later request on the same connection is answered after the late reply was processed.
    handler.batch = 1;
    await(c.request(new SizeMessage(1, 0)));
    assertArrayEquals(new float[2], out, "a timed-out request's array is the caller's again");
  }

  @Test
  void sinkOfARequestThatCannotBeSentFailsOnTheCallersThread() throws Exception {
    Connection c = connect();
    c.close();
    await(c.closeFuture());
    Recorder r = new Recorder(c);
    c.request(new PullMessage(1, 0, new long[] {1}), Duration.ofSeconds(30), null, r);
    assertTrue(r.outcome.isCompletedExceptionally(), "failed before request returned");
    assertInstanceOf(PsTransportException.class, org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> r.outcome.get()).getCause());
  }
}
