package io.sparkps.core.transport;

import io.sparkps.core.testing.FakeTicker;
import io.sparkps.core.testing.TransportTesting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.FrameTooLargeException;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageType;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.SizeMessage;
import io.sparkps.core.protocol.ValuesMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The channel handler on an embedded channel (no codec: envelopes in, envelopes out), with a
 * direct callback executor so every completion is visible at once.
 */
class PsChannelHandlerTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final Connection connection =
      new Connection(channel, "peer:1", TransportTesting.config(), Runnable::run);

  private PsChannelHandlerTest withHandler(RequestHandler handler) {
    channel.pipeline().addLast(new PsChannelHandler(connection, handler));
    return this;
  }

  private Envelope sent() {
    return channel.readOutbound();
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
  void requestIdsStartAtOneAndResponsesMatch() {
    withHandler(null);
    CompletableFuture<Message> first = connection.request(new SizeMessage(1, 0));
    CompletableFuture<Message> second = connection.request(new SizeMessage(1, 1));
    assertEquals(new Envelope(1, new SizeMessage(1, 0)), sent());
    assertEquals(new Envelope(2, new SizeMessage(1, 1)), sent());
    channel.writeInbound(new Envelope(2, new CountMessage(20)));
    channel.writeInbound(new Envelope(1, new CountMessage(10)));
    assertEquals(new CountMessage(10), first.join());
    assertEquals(new CountMessage(20), second.join());
    assertEquals(0, connection.outstandingRequests());
  }

  @Test
  void unknownResponseIdsAreDropped() {
    withHandler(null);
    channel.writeInbound(new Envelope(42, OkMessage.INSTANCE));
    assertNull(sent());
    assertTrue(channel.isActive());
  }

  @Test
  void framesAPeerGotWrongAreCountedAndLoggedAtMostOncePerInterval() {
    FakeTicker ticker = new FakeTicker();
    RateLimitedLog peerErrors = new RateLimitedLog(org.slf4j.LoggerFactory.getLogger(PsChannelHandler.class), ticker,
        PsChannelHandler.PEER_ERROR_LOG_INTERVAL);
    channel.pipeline().addLast(new PsChannelHandler(connection, null, peerErrors));
    for (long id = 100; id < 1100; id++) {
      channel.writeInbound(new Envelope(id, OkMessage.INSTANCE));  // responses nobody asked for
    }
    assertEquals(1000, peerErrors.events());
    assertEquals(1, peerErrors.lines(), "a peer must not control the log volume");
    ticker.advance(PsChannelHandler.PEER_ERROR_LOG_INTERVAL);
    channel.writeInbound(new Envelope(5000, OkMessage.INSTANCE));
    assertEquals(2, peerErrors.lines(), "one more line once the interval has passed");
    assertTrue(channel.isActive());
  }

  @Test
  void malformedRequestBodyIsAnsweredWithItsIdAndTheChannelStaysOpen() {
    withHandler(new TestHandler());
    channel.pipeline().fireExceptionCaught(
        FrameDecodeException.body(5, MessageType.PULL, "malformed PULL body: x", null));
    Envelope reply = sent();
    assertEquals(5, reply.requestId());
    assertEquals(new ErrorMessage(ErrorCode.MALFORMED_FRAME, "malformed PULL body: x"), reply.message());
    assertTrue(channel.isActive());
  }

  @Test
  void malformedResponseFailsItsRequest() {
    withHandler(null);
    CompletableFuture<Message> f = connection.request(new PullMessage(1, 0, new long[] {1}));
    sent();
    channel.pipeline().fireExceptionCaught(
        FrameDecodeException.body(1, MessageType.VALUES, "malformed VALUES body", null));
    assertEquals(ErrorCode.MALFORMED_FRAME, assertInstanceOf(PsRemoteException.class, cause(f)).code());
    assertTrue(channel.isActive());
  }

  @Test
  void fatalErrorsAreReportedWithIdZeroAndCloseTheChannel() {
    withHandler(new TestHandler());
    CompletableFuture<Message> f = connection.request(new PullMessage(1, 0, new long[] {1}));
    sent();
    channel.pipeline().fireExceptionCaught(new FrameTooLargeException(100_000, 65_536));
    Envelope error = sent();
    assertEquals(0, error.requestId());
    assertEquals(ErrorCode.FRAME_TOO_LARGE, ((ErrorMessage) error.message()).code());
    channel.runPendingTasks();
    assertFalse(channel.isOpen());
    PsTransportException e = assertInstanceOf(PsTransportException.class, cause(f));
    assertTrue(e.getMessage().contains("closed with 1 outstanding requests"), e.getMessage());
    assertTrue(connection.closeFuture().isDone());
  }

  @Test
  void connectionLevelErrorFailsEverythingWithTheRemoteCode() {
    withHandler(null);
    CompletableFuture<Message> a = connection.request(new SizeMessage(1, 0));
    CompletableFuture<Message> b = connection.request(new SizeMessage(1, 1));
    channel.writeInbound(new Envelope(0, new ErrorMessage(ErrorCode.UNAUTHENTICATED, "no")));
    assertEquals(ErrorCode.UNAUTHENTICATED, ((PsRemoteException) cause(a)).code());
    assertEquals(ErrorCode.UNAUTHENTICATED, ((PsRemoteException) cause(b)).code());
  }

  @Test
  void handlerExceptionsBecomeErrorResponses() {
    withHandler((c, id, m) -> {
      throw new IllegalStateException("boom");
    });
    channel.writeInbound(new Envelope(3, new PullMessage(1, 0, new long[0])));
    Envelope reply = sent();
    assertEquals(3, reply.requestId());
    assertEquals(new ErrorMessage(ErrorCode.INTERNAL, "java.lang.IllegalStateException: boom"),
        reply.message());
    assertTrue(channel.isActive());
  }

  @Test
  void withoutHandlerRequestsGetUnexpectedMessage() {
    withHandler(null);
    channel.writeInbound(new Envelope(4, new PullMessage(1, 0, new long[0])));
    Envelope reply = sent();
    assertEquals(4, reply.requestId());
    assertEquals(ErrorCode.UNEXPECTED_MESSAGE, ((ErrorMessage) reply.message()).code());
  }

  @Test
  void oneWayResponseTypesGoToTheHandler() {
    TestHandler handler = new TestHandler();
    withHandler(handler);
    channel.writeInbound(new Envelope(0, new ValuesMessage(new float[] {1})));
    assertEquals(new Envelope(0, new ValuesMessage(new float[] {1})), handler.oneWay.poll());
    assertNull(sent());
  }

  @Test
  void closeFailsOutstandingAndNotifiesTheHandler() {
    TestHandler handler = new TestHandler();
    withHandler(handler);
    CompletableFuture<Message> f = connection.request(new SizeMessage(1, 0));
    channel.close();
    assertInstanceOf(PsTransportException.class, cause(f));
    assertEquals(connection, handler.closed.join());
    assertTrue(connection.closeFuture().isDone());
  }
}
