package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hostile and broken frames: each must fail with the right code and leave framing usable. */
class FrameDecodingErrorsTest {

  private static final int MAX = 4096;
  private final EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder(MAX), MessageDecoder.INSTANCE);

  @AfterEach
  void finish() {
    assertFalse(dec.finish(), "no message may be left in the channel");
  }

  /** A raw frame: length field, version, type, request id, then whatever {@code body} writes. */
  static ByteBuf frame(int version, int type, long requestId, Consumer<ByteBuf> body) {
    ByteBuf buf = Unpooled.buffer();
    buf.writeIntLE(0);
    buf.writeByte(version);
    buf.writeByte(type);
    buf.writeLongLE(requestId);
    body.accept(buf);
    buf.setIntLE(0, buf.readableBytes() - 4);
    return buf;
  }

  static ByteBuf validFrame(long requestId) {
    return frame(ProtocolVersion.CURRENT, MessageType.PULL.id(), requestId, b -> new PullMessage(1, 2, new long[] {3, 4}).encode(b));
  }

  private void assertDecodesValidFrame() {
    assertTrue(dec.writeInbound(validFrame(77)));
    Envelope e = dec.readInbound();
    assertEquals(new Envelope(77, new PullMessage(1, 2, new long[] {3, 4})), e);
  }

  @Test
  void oversizeFrameFailsFastAndLaterFramesStillDecode() {
    ByteBuf big = Unpooled.buffer();
    big.writeIntLE(MAX + 1);
    big.writeZero(MAX + 1);
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> dec.writeInbound(big));
    assertEquals(MAX + 1, e.frameBytes());
    assertEquals(MAX, e.maxFrameBytes());
    assertTrue(e.getMessage().contains("maxFrameBytes=" + MAX), e.getMessage());
    assertNull(dec.readInbound());
    assertDecodesValidFrame(); // the oversize frame was skipped whole
  }

  @Test
  void oversizeLengthFieldIsRejectedBeforeTheBodyArrives() {
    ByteBuf header = Unpooled.buffer();
    header.writeIntLE(Integer.MAX_VALUE);
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> dec.writeInbound(header));
    assertEquals(Integer.MAX_VALUE, e.frameBytes());
    // A fresh channel (what a reconnecting peer gets) decodes normally.
    EmbeddedChannel fresh = new EmbeddedChannel(new FrameDecoder(MAX), MessageDecoder.INSTANCE);
    assertTrue(fresh.writeInbound(validFrame(5)));
    assertEquals(5, ((Envelope) fresh.readInbound()).requestId());
    assertFalse(fresh.finish());
    dec.close(); // the half-discarded stream is abandoned, as the transport does
  }

  @Test
  void unsignedLengthFieldIsTooLargeNotNegative() {
    ByteBuf header = Unpooled.buffer().writeIntLE(-1);
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> dec.writeInbound(header));
    assertEquals(0xFFFF_FFFFL, e.frameBytes());
    dec.close();
  }

  @Test
  void truncatedBodyIsMalformedWithItsRequestId() {
    ByteBuf f = frame(ProtocolVersion.CURRENT, MessageType.PULL.id(), 42, b -> {
      b.writeIntLE(1).writeIntLE(2).writeIntLE(10); // ten keys announced...
      b.writeLongLE(1);                               // ...one sent
    });
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertFalse(e.fatal());
    assertEquals(42, e.requestId());
    assertEquals(MessageType.PULL, e.type());
    assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    assertTrue(e.getMessage().contains("count exceeds the bytes left"), e.getMessage());
    assertDecodesValidFrame();
  }

  @Test
  void bodyCutInsideAFixedFieldIsMalformed() {
    ByteBuf f = frame(ProtocolVersion.CURRENT, MessageType.PULL_RANGE.id(), 43, b -> b.writeIntLE(1).writeIntLE(2).writeIntLE(3));
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertFalse(e.fatal());
    assertEquals(43, e.requestId());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertDecodesValidFrame();
  }

  @Test
  void hugeArrayCountIsRejectedWithoutAllocating() {
    // 2^28 - 1 longs would be 2 GB, more than this test JVM's heap: allocating would fail the test.
    ByteBuf f = frame(ProtocolVersion.CURRENT, MessageType.PULL.id(), 44, b -> b.writeIntLE(1).writeIntLE(2).writeIntLE((1 << 28) - 1));
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertInstanceOf(MalformedMessageException.class, e.getCause());
    assertTrue(e.getMessage().contains("count=268435455"), e.getMessage());
    assertEquals(44, e.requestId());
    assertDecodesValidFrame();
  }

  /** The shared key-list decoder checks the count before allocating, naming the message type. */
  @Test
  void everyKeyListTypeRejectsAHugeCountWithoutAllocating() {
    for (MessageType type : List.of(MessageType.PULL, MessageType.CONTAINS, MessageType.REMOVE)) {
      ByteBuf f = frame(ProtocolVersion.CURRENT, type.id(), 53, b -> b.writeIntLE(1).writeIntLE(2).writeIntLE((1 << 28) - 1));
      FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
      assertFalse(e.fatal());
      assertEquals(type, e.type());
      assertEquals(53, e.requestId());
      assertInstanceOf(MalformedMessageException.class, e.getCause());
      assertTrue(e.getMessage().contains(type + " keys count exceeds the bytes left in the frame: "
          + "count=268435455"), e.getMessage());
    }
    assertDecodesValidFrame();
  }

  /** Messages whose layout comes from a shared base still reject a body cut short. */
  @Test
  void sharedFixedLayoutsRejectShortBodies() {
    for (MessageType type : List.of(MessageType.CLEAR, MessageType.SIZE, MessageType.RUN_BARRIER,
        MessageType.WORKER_HEARTBEAT, MessageType.FINISH_WORKER, MessageType.HEARTBEAT,
        MessageType.REGISTERED, MessageType.ROUTING, MessageType.ROUTING_UPDATE)) {
      ByteBuf f = frame(ProtocolVersion.CURRENT, type.id(), 54, b -> b.writeMedium(0));
      FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
      assertFalse(e.fatal());
      assertEquals(type, e.type());
      assertEquals(54, e.requestId());
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
    assertDecodesValidFrame();
  }

  @Test
  void negativeCountIsMalformed() {
    ByteBuf f = frame(ProtocolVersion.CURRENT, MessageType.VALUES.id(), 45, b -> b.writeIntLE(-3));
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertTrue(e.getMessage().contains("negative"), e.getMessage());
    assertFalse(e.fatal());
  }

  @Test
  void trailingBytesAreMalformed() {
    ByteBuf f = frame(ProtocolVersion.CURRENT, MessageType.HEARTBEAT.id(), 46, b -> b.writeIntLE(1).writeByte(9));
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertFalse(e.fatal());
    assertTrue(e.getMessage().contains("trailing bytes=1"), e.getMessage());
  }

  @Test
  void invalidSpecIsMalformedNotACrash() {
    ByteBuf f = frame(ProtocolVersion.CURRENT, MessageType.CREATE_TABLE.id(), 47, b -> {
      Codec.writeString(b, "t");
      b.writeByte(0);       // DENSE
      b.writeLongLE(10);    // rows
      b.writeIntLE(0);      // dim 0: invalid
      Codec.writeString(b, "sum");
      b.writeIntLE(0);
      SpecCodec.writeInitializerSpec(b, io.sparkps.core.config.InitializerSpec.zeros());
      b.writeByte(0);
    });
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertFalse(e.fatal());
    assertEquals(47, e.requestId());
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(e.getMessage().contains("dim=0"), e.getMessage());
  }

  @Test
  void badEnumAndBooleanBytesAreMalformed() {
    ByteBuf badMode = frame(ProtocolVersion.CURRENT, MessageType.PUSH.id(), 48, b -> b.writeIntLE(1).writeIntLE(0).writeByte(9));
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(badMode));
    assertTrue(e.getMessage().contains("unknown push mode: mode=9"), e.getMessage());
    ByteBuf badFlag = frame(ProtocolVersion.CURRENT, MessageType.FLAGS.id(), 49, b -> b.writeIntLE(1).writeByte(2));
    e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(badFlag));
    assertTrue(e.getMessage().contains("bad boolean"), e.getMessage());
  }

  @Test
  void unknownTypeIsFatal() {
    ByteBuf f = frame(ProtocolVersion.CURRENT, 127, 50, b -> { });
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertTrue(e.fatal());
    assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    assertTrue(e.getMessage().contains("unknown message type: type=127"), e.getMessage());
    ByteBuf negative = frame(ProtocolVersion.CURRENT, -5, 51, b -> { });
    assertThrows(FrameDecodeException.class, () -> dec.writeInbound(negative));
  }

  @Test
  void wrongVersionIsFatal() {
    ByteBuf f = frame(7, MessageType.OK.id(), 52, b -> { });
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(f));
    assertTrue(e.fatal());
    assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
    assertTrue(e.getMessage().contains("got 7, this peer speaks " + ProtocolVersion.CURRENT), e.getMessage());
  }

  @Test
  void shortAndEmptyFramesAreFatal() {
    ByteBuf empty = Unpooled.buffer().writeIntLE(0);
    FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(empty));
    assertTrue(e.fatal());
    ByteBuf shortHeader = Unpooled.buffer().writeIntLE(3).writeByte(ProtocolVersion.CURRENT).writeByte(10).writeByte(0);
    e = assertThrows(FrameDecodeException.class, () -> dec.writeInbound(shortHeader));
    assertTrue(e.fatal());
    assertTrue(e.getMessage().contains("bytes=3 (>= 10)"), e.getMessage());
  }

  @Test
  void asFatalDropsTheRequestId() {
    FrameDecodeException body = FrameDecodeException.body(9, MessageType.PULL, "x", null);
    FrameDecodeException fatal = body.asFatal();
    assertTrue(fatal.fatal());
    assertEquals(0, fatal.requestId());
    assertEquals(ErrorCode.MALFORMED_FRAME, fatal.code());
  }
}
