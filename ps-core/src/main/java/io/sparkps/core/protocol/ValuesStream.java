package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Copies the floats of a large VALUES reply into its {@link ValuesTarget} as the frame's bytes
 * arrive, read by read, instead of after the whole frame has been gathered into one buffer
 * ({@link FrameDecoder}): each chunk is copied once, while it is still in cache, and the 4 MiB
 * cumulation buffer of a dense row and its copy disappear. A float split across two reads is
 * carried over. Event loop only; one per frame.
 */
public final class ValuesStream {

  /** What the requester's side does with the stream: its target, and its outcome. */
  public interface Claim {

    /** Where the reply's rows go; its array is the requester's until {@link #done} or {@link #failed}. */
    ValuesTarget target();

    /** Every float was written. */
    void done();

    /** The stream broke off (the connection closed mid-frame); the target may be partly written. */
    void failed(Throwable cause);
  }

  private final Claim claim;
  private final ValuesTarget target;
  private final int floats;
  private int written;
  private int carry;
  private int carryBytes;

  /** A stream of {@code claim}'s target's {@link ValuesTarget#expectedFloats()} floats. */
  public ValuesStream(Claim claim) {
    this.claim = claim;
    this.target = claim.target();
    this.floats = target.expectedFloats();
  }

  /** Bytes still expected. */
  public long remainingBytes() {
    return 4L * (floats - written) - carryBytes;
  }

  /**
   * Consumes up to {@link #remainingBytes()} bytes of {@code in} (advancing its reader index);
   * returns true once the last float is written (the claim is then done).
   */
  public boolean write(ByteBuf in) {
    int bytes = (int) Math.min(in.readableBytes(), remainingBytes());
    int at = in.readerIndex();
    int end = at + bytes;
    while (carryBytes > 0 && at < end) {
      carry |= (in.getByte(at++) & 0xFF) << (8 * carryBytes);
      if (++carryBytes == 4) {
        target.put(written++, Float.intBitsToFloat(carry));
        carry = 0;
        carryBytes = 0;
      }
    }
    int whole = (end - at) / 4;
    if (whole > 0) {
      FloatBuffer view = in.nioBuffer(at, whole * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      target.put(written, view, whole);
      written += whole;
      at += whole * 4;
    }
    while (at < end) {
      carry |= (in.getByte(at++) & 0xFF) << (8 * carryBytes++);
    }
    in.readerIndex(end);
    if (written == floats) {
      claim.done();
      return true;
    }
    return false;
  }

  /** The frame will not be completed: fails the claim. */
  public void abort(Throwable cause) {
    claim.failed(cause);
  }
}
