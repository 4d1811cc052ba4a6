package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every message type through a real encoder channel and a real decoder channel. */
class MessageRoundTripTest {

  private static final int MAX_FRAME = 64 * 1024;

  @Test
  void everyMessageTypeRoundTrips() {
    long requestId = 1;
    for (Message m : SampleMessages.all()) {
      Envelope in = new Envelope(requestId++, m);
      Envelope out = roundTrip(in, MAX_FRAME);
      assertEquals(in, out, () -> "round trip of " + m);
      assertEquals(m.hashCode(), out.message().hashCode());
      assertEquals(m.toString(), out.message().toString());
    }
  }

  @Test
  void samplesCoverEveryType() {
    Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
    for (Message m : SampleMessages.all()) {
      seen.add(m.type());
    }
    assertEquals(EnumSet.allOf(MessageType.class), seen);
  }

  @Test
  void oneWayRequestIdZeroRoundTrips() {
    Envelope in = new Envelope(0, new HeartbeatMessage(1));
    assertEquals(in, roundTrip(in, MAX_FRAME));
  }

  @Test
  void frameOfExactlyMaxFrameBytesDecodes() {
    int max = 4098; // 10 + 4 + 4 * 1021
    // header 10 + count 4 + 4 * n == max
    int n = (max - FrameDecoder.HEADER_BYTES - 4) / 4;
    ValuesMessage big = new ValuesMessage(SampleMessages.floats(n));
    assertEquals(max, FrameDecoder.HEADER_BYTES + big.encodedLength());
    Envelope in = new Envelope(Long.MAX_VALUE, big);
    assertEquals(in, roundTrip(in, max));
  }

  @Test
  void frameOneByteOverMaxIsRejected() {
    int max = 4098; // 10 + 4 + 4 * 1021
    int n = (max - FrameDecoder.HEADER_BYTES - 4) / 4 + 1;
    EmbeddedChannel enc = new EmbeddedChannel(MessageEncoder.INSTANCE);
    EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder(max), MessageDecoder.INSTANCE);
    assertTrue(enc.writeOutbound(new Envelope(1, new ValuesMessage(SampleMessages.floats(n)))));
    ByteBuf frame = enc.readOutbound();
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class, () -> dec.writeInbound(frame));
    assertEquals(max + 4, e.frameBytes());
    assertEquals("frame of " + (max + 4) + " bytes exceeds maxFrameBytes=" + max
        + "; raise spark.ps.maxFrameBytes or send smaller batches", e.getMessage());
    assertNull(dec.readInbound());
    assertFalse(enc.finish());
    assertFalse(dec.finish());
  }

  @Test
  void allMessagesStreamedInOddChunksDecodeInOrder() {
    EmbeddedChannel enc = new EmbeddedChannel(MessageEncoder.INSTANCE);
    List<Envelope> sent = new ArrayList<>();
    ByteBuf stream = Unpooled.buffer();
    long id = 100;
    for (Message m : SampleMessages.all()) {
      Envelope e = new Envelope(id++, m);
      sent.add(e);
      assertTrue(enc.writeOutbound(e));
      ByteBuf frame = enc.readOutbound();
      stream.writeBytes(frame);
      frame.release();
    }
    EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder(MAX_FRAME), MessageDecoder.INSTANCE);
    int chunk = 1;
    while (stream.isReadable()) {
      int n = Math.min(chunk, stream.readableBytes());
      dec.writeInbound(stream.readRetainedSlice(n));
      chunk = chunk * 3 % 997 + 1; // varied sizes, splitting headers and bodies
    }
    stream.release();
    for (Envelope e : sent) {
      assertEquals(e, dec.readInbound());
    }
    assertNull(dec.readInbound());
    assertFalse(enc.finish());
    assertFalse(dec.finish());
  }

  @Test
  void equalityComparesArrayContents() {
    PullMessage a = new PullMessage(1, 2, new long[] {1, 2, 3});
    PullMessage b = new PullMessage(1, 2, new long[] {1, 2, 3});
    assertNotSame(a.keys(), b.keys());
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertFalse(a.equals(new PullMessage(1, 2, new long[] {1, 2, 4})));
    assertEquals(new AuthResponseMessage(3, new byte[] {2}, "a:1", new byte[] {1}),
        new AuthResponseMessage(3, new byte[] {2}, "a:1", new byte[] {1}));
    assertEquals(new FlagsMessage(new boolean[] {true}), new FlagsMessage(new boolean[] {true}));
    assertEquals(new ScanChunkMessage(1, new long[] {1}, new float[] {Float.NaN}),
        new ScanChunkMessage(1, new long[] {1}, new float[] {Float.NaN}));
  }

  @Test
  void toStringShowsLengthsOfBigArrays() {
    String s = new PushMessage(1, 2, PushMode.UPDATE, PushId.NONE, new long[1000], new float[4000],
        false).toString();
    assertTrue(s.contains("keys=long[1000]"), s);
    assertTrue(s.contains("values=float[4000]"), s);
    assertTrue(new PullMessage(1, 2, new long[] {5, 6}).toString().contains("[5, 6]"));
    assertTrue(new AuthResponseMessage(3, new byte[32], "a:1", new byte[32]).toString().contains("byte[32]"));
  }

  @Test
  void pushIdNone() {
    assertTrue(PushId.NONE.isNone());
    assertFalse(new PushId(0, 0, 0, 0).isNone());
  }

  @Test
  void encoderRejectsMessagesThatWriteLessThanTheyAnnounce() {
    assertEncodeFails(new LyingMessage(8, 4));
  }

  @Test
  void encoderRejectsMessagesThatWriteMoreThanTheyAnnounce() {
    assertEncodeFails(new LyingMessage(4, 8));
  }

  private static void assertEncodeFails(Message liar) {
    EmbeddedChannel enc = new EmbeddedChannel(MessageEncoder.INSTANCE);
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> enc.writeOutbound(new Envelope(1, liar)));
    assertTrue(e instanceof IllegalStateException || e instanceof IndexOutOfBoundsException,
        e::toString);
    assertNull(enc.readOutbound());
    assertFalse(enc.finish());
  }

  /** Announces one length and writes another: the kind of bug the encoder must catch. */
  private record LyingMessage(int announced, int written) implements Message {
    @Override
    public MessageType type() {
      return MessageType.OK;
    }

    @Override
    public int encodedLength() {
      return announced;
    }

    @Override
    public void encode(ByteBuf buf) {
      buf.writeZero(written);
    }
  }

  /** Encodes through one EmbeddedChannel, decodes through another; all buffers released. */
  static Envelope roundTrip(Envelope in, int maxFrameBytes) {
    EmbeddedChannel enc = new EmbeddedChannel(MessageEncoder.INSTANCE);
    EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder(maxFrameBytes), MessageDecoder.INSTANCE);
    assertTrue(enc.writeOutbound(in));
    ByteBuf frame = enc.readOutbound();
    assertEquals(FrameDecoder.LENGTH_FIELD_BYTES + FrameDecoder.HEADER_BYTES
        + in.message().encodedLength(), frame.readableBytes());
    assertNull(enc.readOutbound());
    assertTrue(dec.writeInbound(frame)); // the decoder channel now owns the frame
    assertEquals(0, frame.refCnt(), "the decoders must release the frame");
    Envelope out = dec.readInbound();
    assertNull(dec.readInbound());
    assertFalse(enc.finish());
    assertFalse(dec.finish());
    return out;
  }
}
