package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCounted;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A response already encoded as a whole frame, so a server can write a pull's rows from its
 * store straight into the outgoing buffer (no intermediate {@code float[]}, one copy fewer).
 * {@link MessageEncoder} fills in the request id and passes the frame on as it is; the bytes are
 * exactly those of the equivalent message (a {@link #values} frame: those of a
 * {@link ValuesMessage}), and the peer decodes it as that message.
 *
 * <p>It owns a reference-counted buffer: whoever holds it last writes it (reply) or releases it.
 * Written once; not thread-safe while being filled (the shard lane fills it, then hands it over).
 * It is not a decodable message type of its own, so equality is identity.
 */
public final class EncodedFrame implements Message, ReferenceCounted {

  private static final int BODY_OFFSET = FrameDecoder.LENGTH_FIELD_BYTES + FrameDecoder.HEADER_BYTES;
  /** Where the request id sits: after the length, version and type. */
  private static final int REQUEST_ID_OFFSET = FrameDecoder.LENGTH_FIELD_BYTES + 2;

  private final MessageType type;
  private final ByteBuf frame;

  private EncodedFrame(MessageType type, ByteBuf frame) {
    this.type = type;
    this.frame = frame;
  }

  /**
   * {@link #values(ByteBufAllocator, int)} from the pooled allocator every channel of the
   * transport uses, so a written frame returns to the pool it came from.
   */
  public static EncodedFrame values(int floats) {
    return values(FrameAllocator.INSTANCE, floats);
  }

  /**
   * A VALUES frame for {@code floats} floats: header and count written, the values still to be
   * written through {@link #floats()} and sealed with {@link #complete}. Allocates a direct
   * buffer of the frame's exact size.
   *
   * @throws IllegalArgumentException when {@code floats} is negative or the frame would not fit
   *     an int (the caller checked it against maxFrameBytes before)
   */
  public static EncodedFrame values(ByteBufAllocator alloc, int floats) {
    long body = 4 + 4L * floats;
    if (floats < 0 || body > Integer.MAX_VALUE - BODY_OFFSET) {
      throw new IllegalArgumentException("VALUES frame out of range: floats=" + floats + " ([0, "
          + (Integer.MAX_VALUE - BODY_OFFSET - 4) / 4 + "])");
    }
    int total = BODY_OFFSET + (int) body;
    ByteBuf buf = alloc.directBuffer(total, total);
    boolean ok = false;
    try {
      if (buf.nioBufferCount() != 1) {
        throw new IllegalStateException("a frame buffer must be one memory region: nioBufferCount="
            + buf.nioBufferCount());
      }
      buf.writeIntLE(total - FrameDecoder.LENGTH_FIELD_BYTES);
      buf.writeByte(ProtocolVersion.CURRENT);
      buf.writeByte(MessageType.VALUES.id());
      buf.writeLongLE(0);  // the request id: set by the encoder
      buf.writeIntLE(floats);
      ok = true;
      return new EncodedFrame(MessageType.VALUES, buf);
    } finally {
      if (!ok) {
        buf.release();
      }
    }
  }

  /** A little-endian view of the frame's unwritten rest, to write the values to. */
  public FloatBuffer floats() {
    return frame.nioBuffer(frame.writerIndex(), frame.writableBytes()).order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer();
  }

  /**
   * Seals the frame once {@code view} (from {@link #floats()}) has been filled.
   *
   * @throws IllegalStateException when values are missing: the frame would be malformed
   */
  public EncodedFrame complete(FloatBuffer view) {
    if (view.hasRemaining()) {
      throw new IllegalStateException("frame not filled: " + view.remaining() + " of " + view.capacity()
          + " floats missing");
    }
    frame.writerIndex(frame.capacity());
    return this;
  }

  /**
   * The finished frame for request {@code requestId}; ownership passes to the caller (the
   * encoder, which writes it). Called once.
   */
  ByteBuf takeFrame(long requestId) {
    if (frame.writerIndex() != frame.capacity()) {
      throw new IllegalStateException("frame not complete: " + frame.writerIndex() + " of " + frame.capacity()
          + " bytes written");
    }
    frame.setLongLE(REQUEST_ID_OFFSET, requestId);
    taken = true;
    return frame;
  }

  /**
   * Releases the frame unless the encoder took it: for a write that never reached the encoder
   * (the channel closed and its handlers were removed first, so Netty dropped the envelope, which
   * it cannot release). Call once the write has completed, successfully or not.
   */
  public void releaseIfNotTaken() {
    if (!taken) {
      taken = true;
      frame.release();
    }
  }

  /** Whether the encoder took the frame; read where the write's outcome is handled. */
  private volatile boolean taken;

  @Override
  public MessageType type() {
    return type;
  }

  @Override
  public int encodedLength() {
    return frame.capacity() - BODY_OFFSET;
  }

  /** Copies the body: the same bytes as the message this frame stands for. Does not consume it. */
  @Override
  public void encode(ByteBuf buf) {
    buf.writeBytes(frame, BODY_OFFSET, encodedLength());
  }

  @Override
  public int refCnt() {
    return frame.refCnt();
  }

  @Override
  public EncodedFrame retain() {
    frame.retain();
    return this;
  }

  @Override
  public EncodedFrame retain(int increment) {
    frame.retain(increment);
    return this;
  }

  @Override
  public EncodedFrame touch() {
    frame.touch();
    return this;
  }

  @Override
  public EncodedFrame touch(Object hint) {
    frame.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return frame.release();
  }

  @Override
  public boolean release(int decrement) {
    return frame.release(decrement);
  }

  @Override
  public String toString() {
    return "EncodedFrame{type=" + type + ", bodyBytes=" + encodedLength() + "}";
  }
}
