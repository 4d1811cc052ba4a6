package io.sparkps.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.protocol.AuthResponseMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.FrameDecoder;
import io.sparkps.core.protocol.MessageDecoder;
import io.sparkps.core.protocol.MessageEncoder;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.testing.TransportTesting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The frame guard's inbound reservations and their hand-over to admission, on an embedded
 * authenticated pipeline: a big request adopts its frame's bytes until its reply is written; a
 * big response, a malformed body and a closing channel return theirs at once; without room the
 * guard stops reading and waits, FIFO, then goes on where it stopped.
 */
class InboundHandOverTest {

  private static final int MAX_FRAME = 1 << 20;
  private static final long LIMIT = 4L << 20;
  private PendingBytes inbound;
  private PendingBytes replies;
  private EmbeddedChannel ch;
  private final List<Object> received = new ArrayList<>();

  @BeforeEach
  void setUp() {
    build(true);
  }

  /** The pipeline of an accepted channel; a stand-in for the auth handler accepts any AuthResponse. */
  private void build(boolean authenticated) {
    inbound = new PendingBytes(LIMIT);
    replies = new PendingBytes(LIMIT);
    ch = new EmbeddedChannel();
    ReadGate gate = new ReadGate(ch);
    InboundHandOver handOver = new InboundHandOver(inbound);
    FrameGuardHandler guard = new FrameGuardHandler(Duration.ofMinutes(2), Ticker.systemTicker(), gate, handOver,
        MAX_FRAME);
    ch.pipeline()
        .addLast("frameGuard", guard)
        .addLast("frameDecoder", new FrameDecoder(MAX_FRAME))
        .addLast("messageEncoder", MessageEncoder.INSTANCE)
        .addLast("messageDecoder", MessageDecoder.INSTANCE)
        .addLast("auth", new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Envelope e && e.message() instanceof AuthResponseMessage) {
              guard.authenticated();
              received.add(msg);
            } else {
              ctx.fireChannelRead(msg);
            }
          }
        })
        .addLast("admission", new RequestAdmission(replies, null, "test", 64, LIMIT / 2, MAX_FRAME, gate, handOver))
        .addLast("sink", new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.add(msg);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.add(cause);
          }
        });
    if (authenticated) {
      guard.authenticated();
    }
  }

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
    assertEquals(0, inbound.held(), "inbound bytes back after close: " + inbound);
    assertEquals(0, replies.held(), "reply bytes back after close: " + replies);
  }

  @AfterAll
  static void reportLeaks() {
    LeakCheck.collectAndReport();
  }

  private static byte[] frame(long requestId, io.sparkps.core.protocol.Message m) {
    return TransportTesting.frameBytes(new Envelope(requestId, m));
  }

  private void write(byte[] bytes, int from, int to) {
    ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
  }

  private void releaseOutbound() {
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ReferenceCountUtil.release(o);
    }
  }

  @Test
  void aBigRequestAdoptsItsFramesBytesUntilItsReplyIsWritten() {
    byte[] pull = frame(5, new PullMessage(1, 0, keys(20_000)));  // ~160 KB: reserved
    long length = pull.length - 4;
    write(pull, 0, 1000);
    assertEquals(length, inbound.held(), "reserved when the length field arrived");
    write(pull, 1000, pull.length);
    Envelope request = assertInstanceOf(Envelope.class, received.get(0));
    assertEquals(5, request.requestId());
    assertEquals(length, inbound.held(), "adopted by the request");
    assertEquals(RequestAdmission.SMALL_REPLY_BYTES, replies.held(), "the reply budget holds the reply estimate only");
    ch.writeAndFlush(new Envelope(5, OkMessage.INSTANCE));
    releaseOutbound();
    assertEquals(0, inbound.held(), "returned with the reply");
    assertEquals(0, replies.held());
  }

  @Test
  void aBigResponseOrMalformedFrameReturnsItsReservationAtOnce() {
    byte[] values = frame(9, new ValuesMessage(new float[30_000]));  // a response: admission passes it on
    write(values, 0, 70_000);
    assertEquals(values.length - 4, inbound.held());
    write(values, 70_000, values.length);
    assertInstanceOf(ValuesMessage.class, assertInstanceOf(Envelope.class, received.get(0)).message());
    assertEquals(0, inbound.held(), "nobody adopted it");
    assertEquals(0, replies.held());

    byte[] bad = frame(11, new PullMessage(1, 0, keys(20_000)));
    bad[4 + 10 + 8 + 3] = 0x7f;  // the key count's high byte: the body no longer matches
    write(bad, 0, bad.length);
    assertEquals(0, inbound.held(), "a frame that failed to decode returns its bytes");
    assertTrue(received.size() >= 2 && received.get(1) instanceof Throwable, received.toString());

    // Small frames reserve nothing; several in one read all go through.
    byte[] small = frame(0, new PullMessage(1, 0, keys(10)));
    byte[] three = new byte[3 * small.length];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(small, 0, three, i * small.length, small.length);
    }
    int before = received.size();
    write(three, 0, three.length);
    assertEquals(before + 3, received.size());
    assertEquals(0, inbound.held());
  }

  @Test
  void withoutRoomTheGuardStopsReadingAndGoesOnWhenGranted() {
    assertTrue(inbound.tryAcquire(LIMIT - 100_000));  // others hold nearly everything
    byte[] small = frame(0, new PullMessage(1, 0, keys(10)));
    byte[] pull = frame(0, new PullMessage(1, 0, keys(20_000)));  // one-way, ~160 KB
    byte[] both = new byte[small.length + 50_000];
    System.arraycopy(small, 0, both, 0, small.length);
    System.arraycopy(pull, 0, both, small.length, 50_000);
    write(both, 0, both.length);
    assertEquals(1, received.size(), "the small frame before the big one went on");
    assertFalse(ch.config().isAutoRead(), "not read while waiting for inbound bytes");
    assertEquals(1, inbound.stats().waitingRequests());
    assertEquals(1, inbound.stats().pausedConnections());
    write(pull, 50_000, pull.length);  // arrives anyway (already read): kept, not passed on
    assertEquals(1, received.size());
    ch.read();  // the frame decoder asking for more is not passed on while the gate is shut
    inbound.release(LIMIT - 100_000);
    ch.runPendingTasks();  // the grant hops onto the event loop
    assertTrue(ch.config().isAutoRead());
    assertEquals(2, received.size(), received.toString());
    assertNull(ch.readOutbound());
    assertEquals(0, inbound.held(), "a one-way message returns its bytes after dispatch");
    assertEquals(0, inbound.stats().waitingRequests());
    assertEquals(0, inbound.stats().pausedConnections());

    // A reservation held when the channel closes returns then (checked in tearDown), and so
    // does a place in the queue.
    assertTrue(inbound.tryAcquire(LIMIT - 100_000));
    write(pull, 0, 60_000);
    assertFalse(ch.config().isAutoRead());
    ch.close();
    inbound.release(LIMIT - 100_000);
    ch.runPendingTasks();
    assertEquals(0, inbound.stats().waitingRequests());
  }

  @Test
  void aBigFrameInTheReadThatAuthenticatesReservesToo() {
    ch.finishAndReleaseAll();
    received.clear();
    build(false);
    byte[] auth = frame(0, new AuthResponseMessage(PsRole.WORKER.wireId(), new byte[Hmac.NONCE_BYTES], "h:1",
        new byte[0]));
    byte[] pull = frame(0, new PullMessage(1, 0, keys(20_000)));
    byte[] both = new byte[auth.length + 50_000];
    System.arraycopy(auth, 0, both, 0, auth.length);
    System.arraycopy(pull, 0, both, auth.length, 50_000);
    write(both, 0, both.length);
    assertEquals(1, received.size(), "the handshake went on");
    assertEquals(pull.length - 4, inbound.held(), "the big frame after it reserved its bytes");
    write(pull, 50_000, pull.length);
    assertEquals(2, received.size(), received.toString());
    assertEquals(new PullMessage(1, 0, keys(20_000)), assertInstanceOf(Envelope.class, received.get(1)).message());
    assertEquals(0, inbound.held(), "a one-way message returns its bytes after dispatch");
  }

  /** Sorted, unique keys, as a PULL must carry. */
  private static long[] keys(int n) {
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = i;
    }
    return k;
  }
}
