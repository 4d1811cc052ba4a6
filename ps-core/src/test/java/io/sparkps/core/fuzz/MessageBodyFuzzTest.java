package io.sparkps.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.FrameDecoder;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageDecoder;
import io.sparkps.core.protocol.MessageType;
import io.sparkps.core.protocol.ProtocolVersion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;

/**
 * Every message body decoder, through the decode path every frame takes
 * ({@link MessageDecoder#decode}) with a valid header: the input's first byte picks the type (its
 * wire id, or any other byte modulo the number of types), the rest is the body. Each body either
 * fails as a non-fatal {@link FrameDecodeException} for that request whose cause is a typed
 * decoding error, or decodes to a message that re-encodes to a body decoding to an equal message.
 * Decoding never builds more elements than the body has bytes, nor allocates much more than the
 * body's size.
 *
 * <p>Inputs: {@code src/test/resources/io/sparkps/core/fuzz/MessageBodyFuzzTestInputs/}.
 */
class MessageBodyFuzzTest {

  private static final long REQUEST_ID = 0x0102030405060708L;
  /** Heap bytes a decode may allocate per body byte, and beside them (exceptions, strings). */
  private static final long ALLOCATED_PER_BYTE = 16;
  private static final long ALLOCATED_BASE = 256 << 10;
  private static final MessageType[] TYPES = MessageType.values();
  private static final FuzzSupport.Counter COUNT = new FuzzSupport.Counter("MessageBodyFuzzTest");

  @AfterAll
  static void report() {
    COUNT.report();
  }

  @FuzzTest(maxDuration = "5s")
  void everyBodyIsATypedErrorOrRoundTrips(byte[] input) {
    COUNT.input();
    if (input.length == 0) {
      return;
    }
    MessageType type = typeFor(input[0]);
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    byte[] frame = frame(type, body);
    checkAllocation(type, body, frame);
    ByteBuf buf = Unpooled.wrappedBuffer(frame);
    Envelope decoded;
    try {
      decoded = MessageDecoder.decode(buf);
    } catch (FrameDecodeException e) {
      checkTypedFailure(type, e);
      return;
    } finally {
      buf.release();
    }
    Message m = decoded.message();
    assertEquals(REQUEST_ID, decoded.requestId());
    assertEquals(type, m.type());
    long elements = FuzzSupport.elements(m);
    assertTrue(elements <= body.length, () -> type + ": a body of " + body.length
        + " bytes decoded to " + elements + " elements: " + m);
    checkRoundTrip(decoded);
  }

  /** The type a fuzzer byte stands for: a wire id when it is one, else an index. */
  static MessageType typeFor(byte b) {
    for (MessageType t : TYPES) {
      if (t.id() == b) {
        return t;
      }
    }
    return TYPES[(b & 0xff) % TYPES.length];
  }

  /** A frame without its length field: version, type, request id, body. */
  private static byte[] frame(MessageType type, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(FrameDecoder.HEADER_BYTES + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ProtocolVersion.CURRENT).put(type.id()).putLong(REQUEST_ID).put(body);
    return b.array();
  }

  /** A bad body is the request's own, typed error: the connection stays usable. */
  private static void checkTypedFailure(MessageType type, FrameDecodeException e) {
    assertFalse(e.fatal(), () -> "a body error closes the connection: " + e);
    assertEquals(REQUEST_ID, e.requestId(), e::toString);
    assertEquals(type, e.type(), e::toString);
    FuzzSupport.checkTyped(e);
  }

  /**
   * What one decode of {@code frame} allocates stays within a multiple of the body's size. A first
   * decode down a new path also loads classes and fills caches: only a second, equal decode that
   * still allocates too much is a finding.
   */
  private static void checkAllocation(MessageType type, byte[] body, byte[] frame) {
    long limit = ALLOCATED_PER_BYTE * body.length + ALLOCATED_BASE;
    long allocated = allocatedByDecode(frame);
    if (allocated > limit) {
      allocated = allocatedByDecode(frame);
    }
    long measured = allocated;
    assertTrue(measured <= limit, () -> type + ": decoding a body of " + body.length + " bytes allocated "
        + measured + " bytes (limit " + limit + ")");
  }

  private static long allocatedByDecode(byte[] frame) {
    ByteBuf buf = Unpooled.wrappedBuffer(frame);
    long before = FuzzSupport.allocatedBytes();
    try {
      MessageDecoder.decode(buf);
    } catch (FrameDecodeException e) {
      // Judged by the caller's own decode.
    } finally {
      buf.release();
    }
    return FuzzSupport.allocatedBytes() - before;
  }

  /** decode(encode(m)) equals m, and encoding is stable from then on. */
  private static void checkRoundTrip(Envelope decoded) {
    Message m = decoded.message();
    byte[] once = FuzzSupport.encode(decoded);
    assertEquals(FrameDecoder.LENGTH_FIELD_BYTES + FrameDecoder.HEADER_BYTES + m.encodedLength(), once.length);
    ByteBuf again = Unpooled.wrappedBuffer(once, FrameDecoder.LENGTH_FIELD_BYTES,
        once.length - FrameDecoder.LENGTH_FIELD_BYTES);
    Envelope redecoded;
    try {
      redecoded = MessageDecoder.decode(again);
    } catch (FrameDecodeException e) {
      throw new AssertionError(m.type() + ": the encoding of a decoded message does not decode: " + m, e);
    } finally {
      again.release();
    }
    assertEquals(decoded, redecoded, () -> m.type() + " does not round-trip");
    assertEquals(m.hashCode(), redecoded.message().hashCode());
    assertEquals(m.toString(), redecoded.message().toString());
    assertArrayEquals(once, FuzzSupport.encode(redecoded), () -> m.type() + ": encoding is not stable");
  }
}
