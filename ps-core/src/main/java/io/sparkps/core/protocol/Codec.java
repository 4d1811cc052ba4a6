package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian building blocks shared by all message bodies: scalars, strings and primitive
 * arrays ({@link SpecCodec} and {@link RoutingCodec} build the composite types from these). Arrays are an int32 count followed by the elements; {@code long[]} and
 * {@code float[]} are bulk-copied. Every {@code read*} checks a count against the bytes left
 * <em>before</em> allocating and throws {@link MalformedMessageException}, so a hostile count
 * cannot allocate gigabytes. No method takes ownership of the {@code ByteBuf} it is given.
 * Stateless and thread-safe.
 */
public final class Codec {

  /** Arrays up to this length print their contents in toString; longer ones their length. */
  private static final int MAX_PRINTED_ELEMENTS = 8;

  private Codec() {}

  // ---- scalars ---------------------------------------------------------------------------

  public static void writeBoolean(ByteBuf buf, boolean b) {
    buf.writeByte(b ? 1 : 0);
  }

  /** Reads a boolean byte; only 0 and 1 are accepted. */
  public static boolean readBoolean(ByteBuf buf, String what) {
    byte b = buf.readByte();
    if (b != 0 && b != 1) {
      throw new MalformedMessageException("bad boolean: " + what + "=" + b + " (0 or 1)");
    }
    return b == 1;
  }

  /** Reads an enum written as its ordinal byte. */
  public static <E extends Enum<E>> E readEnum(ByteBuf buf, E[] values, String what) {
    byte b = buf.readByte();
    if (b < 0 || b >= values.length) {
      throw new MalformedMessageException(
          "unknown " + what + ": ordinal=" + b + " ([0, " + (values.length - 1) + "])");
    }
    return values[b];
  }

  /**
   * Reads an int32 element count and checks that {@code count * elementBytes} bytes are left.
   * {@code elementBytes} may be a lower bound for variable-size elements.
   */
  public static int readCount(ByteBuf buf, int elementBytes, String what) {
    if (buf.readableBytes() < 4) {
      throw new MalformedMessageException("truncated " + what + " count: bytesLeft="
          + buf.readableBytes() + " (>= 4)");
    }
    int count = buf.readIntLE();
    if (count < 0) {
      throw new MalformedMessageException(
          "negative " + what + " count: count=" + count + " (>= 0)");
    }
    long needed = (long) count * elementBytes;
    if (needed > buf.readableBytes()) {
      throw new MalformedMessageException(what + " count exceeds the bytes left in the frame: "
          + "count=" + count + ", bytesNeeded=" + needed + ", bytesLeft=" + buf.readableBytes());
    }
    return count;
  }

  // ---- strings ---------------------------------------------------------------------------

  public static int stringLength(String s) {
    return 4 + ByteBufUtil.utf8Bytes(s);
  }

  public static void writeString(ByteBuf buf, String s) {
    int bytes = ByteBufUtil.utf8Bytes(s);
    buf.writeIntLE(bytes);
    // Reserve exactly: writeUtf8 would reserve 3 bytes per char and overflow exact-size buffers.
    ByteBufUtil.reserveAndWriteUtf8(buf, s, bytes);
  }

  public static String readString(ByteBuf buf, String what) {
    int bytes = readCount(buf, 1, what);
    String s = buf.toString(buf.readerIndex(), bytes, StandardCharsets.UTF_8);
    buf.skipBytes(bytes);
    return s;
  }

  // ---- arrays ----------------------------------------------------------------------------

  public static int bytesLength(byte[] a) {
    return 4 + a.length;
  }

  public static void writeBytes(ByteBuf buf, byte[] a) {
    buf.writeIntLE(a.length);
    buf.writeBytes(a);
  }

  public static byte[] readBytes(ByteBuf buf, String what) {
    byte[] a = new byte[readCount(buf, 1, what)];
    buf.readBytes(a);
    return a;
  }

  public static int booleansLength(boolean[] a) {
    return 4 + a.length;
  }

  public static void writeBooleans(ByteBuf buf, boolean[] a) {
    buf.writeIntLE(a.length);
    for (boolean b : a) {
      buf.writeByte(b ? 1 : 0);
    }
  }

  public static boolean[] readBooleans(ByteBuf buf, String what) {
    boolean[] a = new boolean[readCount(buf, 1, what)];
    for (int i = 0; i < a.length; i++) {
      a[i] = readBoolean(buf, what);
    }
    return a;
  }

  public static int intsLength(int[] a) {
    return Math.addExact(4, Math.multiplyExact(4, a.length));
  }

  public static void writeInts(ByteBuf buf, int[] a) {
    buf.writeIntLE(a.length);
    for (int v : a) {
      buf.writeIntLE(v);
    }
  }

  public static int[] readInts(ByteBuf buf, String what) {
    int[] a = new int[readCount(buf, 4, what)];
    for (int i = 0; i < a.length; i++) {
      a[i] = buf.readIntLE();
    }
    return a;
  }

  public static int doublesLength(double[] a) {
    return Math.addExact(4, Math.multiplyExact(8, a.length));
  }

  public static void writeDoubles(ByteBuf buf, double[] a) {
    buf.writeIntLE(a.length);
    for (double v : a) {
      buf.writeLongLE(Double.doubleToRawLongBits(v));
    }
  }

  public static double[] readDoubles(ByteBuf buf, String what) {
    double[] a = new double[readCount(buf, 8, what)];
    for (int i = 0; i < a.length; i++) {
      a[i] = Double.longBitsToDouble(buf.readLongLE());
    }
    return a;
  }

  public static int longsLength(long[] a) {
    return Math.addExact(4, Math.multiplyExact(8, a.length));
  }

  /** Writes count and elements; bulk copy through an NIO view when the buffer has one. */
  public static void writeLongs(ByteBuf buf, long[] a) {
    buf.writeIntLE(a.length);
    int bytes = a.length * 8;
    buf.ensureWritable(bytes);
    int index = buf.writerIndex();
    if (buf.nioBufferCount() == 1) {
      writableView(buf, index, bytes).asLongBuffer().put(a);
      buf.writerIndex(index + bytes);
    } else {
      for (long v : a) {
        buf.writeLongLE(v);
      }
    }
  }

  public static long[] readLongs(ByteBuf buf, String what) {
    long[] a = new long[readCount(buf, 8, what)];
    int index = buf.readerIndex();
    buf.nioBuffer(index, a.length * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(a);
    buf.readerIndex(index + a.length * 8);
    return a;
  }

  public static int floatsLength(float[] a) {
    return Math.addExact(4, Math.multiplyExact(4, a.length));
  }

  /** Writes count and elements; bulk copy through an NIO view when the buffer has one. */
  public static void writeFloats(ByteBuf buf, float[] a) {
    buf.writeIntLE(a.length);
    int bytes = a.length * 4;
    buf.ensureWritable(bytes);
    int index = buf.writerIndex();
    if (buf.nioBufferCount() == 1) {
      writableView(buf, index, bytes).asFloatBuffer().put(a);
      buf.writerIndex(index + bytes);
    } else {
      for (float v : a) {
        buf.writeFloatLE(v);
      }
    }
  }

  public static float[] readFloats(ByteBuf buf, String what) {
    float[] a = new float[readCount(buf, 4, what)];
    int index = buf.readerIndex();
    buf.nioBuffer(index, a.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
    buf.readerIndex(index + a.length * 4);
    return a;
  }

  /** A little-endian NIO view sharing {@code buf}'s memory (single-component buffers only). */
  private static ByteBuffer writableView(ByteBuf buf, int index, int bytes) {
    return buf.nioBuffer(index, bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  // ---- toString helpers for messages -------------------------------------------------------

  /** Contents of short arrays, the length of long ones. */
  public static String describe(long[] a) {
    return a.length <= MAX_PRINTED_ELEMENTS ? Arrays.toString(a) : "long[" + a.length + "]";
  }

  public static String describe(float[] a) {
    return a.length <= MAX_PRINTED_ELEMENTS ? Arrays.toString(a) : "float[" + a.length + "]";
  }

  public static String describe(int[] a) {
    return a.length <= MAX_PRINTED_ELEMENTS ? Arrays.toString(a) : "int[" + a.length + "]";
  }

  public static String describe(boolean[] a) {
    return a.length <= MAX_PRINTED_ELEMENTS ? Arrays.toString(a) : "boolean[" + a.length + "]";
  }

  /** Never the contents: byte arrays here are nonces and MACs. */
  public static String describe(byte[] a) {
    return "byte[" + a.length + "]";
  }
}
