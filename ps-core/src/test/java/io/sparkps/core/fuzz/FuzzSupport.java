package io.sparkps.core.fuzz;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.MalformedMessageException;
import io.sparkps.core.protocol.MessageDecoder;
import io.sparkps.core.protocol.MessageEncoder;
import io.sparkps.core.testing.TransportTesting;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fuzz targets share: an input counter that prints one line per target (so a build log
 * shows how much fuzzing ran), a measure of what a decoded value holds (for the allocation
 * bounds) and the current thread's allocated bytes.
 */
final class FuzzSupport {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /** Heap, not pooled and not leak-tracked: encoding a decoded message for the round trip. */
  private static final UnpooledByteBufAllocator PLAIN = new UnpooledByteBufAllocator(false, true);

  /** The process's own stderr, past surefire's capture of System.out and System.err. Never closed. */
  private static final PrintStream CONSOLE =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

  private FuzzSupport() {}

  /** True when Jazzer fuzzes (JAZZER_FUZZ set), false when it replays the committed inputs. */
  static boolean fuzzing() {
    String v = System.getenv("JAZZER_FUZZ");
    if (v == null) {
      v = System.getProperty("JAZZER_FUZZ");
    }
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
  }

  /** Counts one target's inputs; {@link #report()} prints them (call it from {@code @AfterAll}). */
  static final class Counter {
    private final String target;
    private final AtomicLong inputs = new AtomicLong();
    private final long startNanos = System.nanoTime();

    Counter(String target) {
      this.target = target;
    }

    void input() {
      inputs.incrementAndGet();
    }

    long inputs() {
      return inputs.get();
    }

    void report() {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      String line = String.format("fuzz target %s: %d executions in %.1f s (%s)", target, inputs.get(),
          seconds, fuzzing() ? "fuzzing" : "regression inputs");
      System.out.println(line);
      // Also straight to the JVM's stderr, which surefire shows on the console as it does
      // libFuzzer's own lines: the build log tells how much each target ran.
      CONSOLE.println(line);
    }
  }

  /** Bytes the calling thread allocated so far (HotSpot's per-thread counter). */
  static long allocatedBytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /**
   * Elements of every array, string and collection reachable from {@code value} through the
   * fields of this project's classes: how much a decoder built. Each element costs at least one
   * body byte, so a decoded body of n bytes holds at most n.
   */
  static long elements(Object value) {
    return elements(value, new IdentityHashMap<>());
  }

  private static long elements(Object value, Map<Object, Boolean> seen) {
    if (value == null || value instanceof Enum<?> || value instanceof Number || value instanceof Boolean
        || seen.put(value, Boolean.TRUE) != null) {
      return 0;
    }
    Class<?> type = value.getClass();
    if (value instanceof String s) {
      return s.length();
    }
    if (type.isArray()) {
      int n = Array.getLength(value);
      long sum = n;
      if (!type.getComponentType().isPrimitive()) {
        for (int i = 0; i < n; i++) {
          sum += elements(Array.get(value, i), seen);
        }
      }
      return sum;
    }
    if (value instanceof Collection<?> c) {
      long sum = c.size();
      for (Object o : c) {
        sum += elements(o, seen);
      }
      return sum;
    }
    if (value instanceof Map<?, ?> m) {
      long sum = m.size();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sum += elements(e.getKey(), seen) + elements(e.getValue(), seen);
      }
      return sum;
    }
    if (!type.getName().startsWith("io.sparkps.")) {
      return 0;
    }
    long sum = 0;
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        f.setAccessible(true);
        try {
          sum += elements(f.get(value), seen);
        } catch (IllegalAccessException e) {
          throw new AssertionError("cannot read " + f, e);
        }
      }
    }
    return sum;
  }

  /**
   * A decoding failure is typed: a fatal header error (bad version, unknown type, short header)
   * has no cause, and a body error is caused by nothing but the errors {@link MessageDecoder}
   * documents (a count or enum the body cannot hold, a spec that fails validation, a read past the
   * body's end) or by nothing at all (trailing bytes).
   */
  static void checkTyped(FrameDecodeException e) {
    Throwable cause = e.getCause();
    if (e.fatal()) {
      if (cause != null || (e.code() != ErrorCode.MALFORMED_FRAME && e.code() != ErrorCode.UNSUPPORTED_VERSION)) {
        throw new AssertionError("untyped fatal decoding error", e);
      }
      return;
    }
    boolean typed = cause == null
        || cause instanceof MalformedMessageException
        || cause instanceof IllegalArgumentException
        // ByteBuf's bounds check on a read past the end, not an array index bug (a subclass).
        || cause.getClass() == IndexOutOfBoundsException.class;
    if (!typed || e.code() != ErrorCode.MALFORMED_FRAME) {
      throw new AssertionError("a body decoder failed with an untyped exception", e);
    }
  }

  /** The frame {@link MessageEncoder} writes for {@code envelope}, length field included. */
  static byte[] encode(Envelope envelope) {
    return TransportTesting.frameBytes(PLAIN, envelope);
  }
}
