package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Little-endian building blocks shared by all message bodies: strings, primitive arrays and the
 * spec / routing types. Arrays are an int32 count followed by the elements; {@code long[]} and
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

  // ---- specs -----------------------------------------------------------------------------

  public static int updaterSpecLength(UpdaterSpec u) {
    return stringLength(u.name()) + doublesLength(u.params());
  }

  public static void writeUpdaterSpec(ByteBuf buf, UpdaterSpec u) {
    writeString(buf, u.name());
    writeDoubles(buf, u.params());
  }

  /** Rebuilt through {@link UpdaterSpec#of}: invalid values throw IllegalArgumentException. */
  public static UpdaterSpec readUpdaterSpec(ByteBuf buf) {
    String name = readString(buf, "updater name");
    double[] params = readDoubles(buf, "updater params");
    return UpdaterSpec.of(name, params);
  }

  public static int initializerSpecLength(InitializerSpec s) {
    return 1 + 8 + 8 + 8;
  }

  public static void writeInitializerSpec(ByteBuf buf, InitializerSpec s) {
    buf.writeByte(s.kind().ordinal());
    buf.writeLongLE(Double.doubleToRawLongBits(s.a()));
    buf.writeLongLE(Double.doubleToRawLongBits(s.b()));
    buf.writeLongLE(s.seed());
  }

  /** Rebuilt through {@link InitializerSpec#of}: invalid values throw IllegalArgumentException. */
  public static InitializerSpec readInitializerSpec(ByteBuf buf) {
    InitializerSpec.Kind kind = readEnum(buf, InitializerSpec.Kind.values(), "initializer kind");
    double a = Double.longBitsToDouble(buf.readLongLE());
    double b = Double.longBitsToDouble(buf.readLongLE());
    long seed = buf.readLongLE();
    return InitializerSpec.of(kind, a, b, seed);
  }

  public static int tableSpecLength(TableSpec s) {
    return stringLength(s.name()) + 1 + 8 + 4 + updaterSpecLength(s.updater())
        + initializerSpecLength(s.initializer()) + 1;
  }

  public static void writeTableSpec(ByteBuf buf, TableSpec s) {
    writeString(buf, s.name());
    buf.writeByte(s.kind().ordinal());
    buf.writeLongLE(s.rows());
    buf.writeIntLE(s.dim());
    writeUpdaterSpec(buf, s.updater());
    writeInitializerSpec(buf, s.initializer());
    buf.writeByte(s.storage().ordinal());
  }

  /** Rebuilt through {@link TableSpec#of}: invalid values throw IllegalArgumentException. */
  public static TableSpec readTableSpec(ByteBuf buf) {
    String name = readString(buf, "table name");
    TableSpec.Kind kind = readEnum(buf, TableSpec.Kind.values(), "table kind");
    long rows = buf.readLongLE();
    int dim = buf.readIntLE();
    UpdaterSpec updater = readUpdaterSpec(buf);
    InitializerSpec initializer = readInitializerSpec(buf);
    TableSpec.Storage storage = readEnum(buf, TableSpec.Storage.values(), "table storage");
    return TableSpec.of(name, kind, rows, dim, updater, initializer, storage);
  }

  // ---- routing ---------------------------------------------------------------------------

  /** Smallest encoding of a ServerInfo: id, empty host, port, alive. */
  private static final int MIN_SERVER_BYTES = 4 + 4 + 4 + 1;
  /** Smallest encoding of a TableRoute: id, a minimal spec, owner count. */
  private static final int MIN_ROUTE_BYTES = 4 + (4 + 1 + 8 + 4 + 4 + 4 + 25 + 1) + 4;

  public static int serverInfoLength(ServerInfo s) {
    return 4 + stringLength(s.host()) + 4 + 1;
  }

  public static void writeServerInfo(ByteBuf buf, ServerInfo s) {
    buf.writeIntLE(s.id());
    writeString(buf, s.host());
    buf.writeIntLE(s.port());
    writeBoolean(buf, s.alive());
  }

  public static ServerInfo readServerInfo(ByteBuf buf) {
    int id = buf.readIntLE();
    String host = readString(buf, "server host");
    int port = buf.readIntLE();
    boolean alive = readBoolean(buf, "server alive");
    return new ServerInfo(id, host, port, alive);
  }

  public static int tableRouteLength(TableRoute r) {
    return 4 + tableSpecLength(r.spec()) + intsLength(r.shardOwners());
  }

  public static void writeTableRoute(ByteBuf buf, TableRoute r) {
    buf.writeIntLE(r.tableId());
    writeTableSpec(buf, r.spec());
    writeInts(buf, r.shardOwners());
  }

  public static TableRoute readTableRoute(ByteBuf buf) {
    int tableId = buf.readIntLE();
    TableSpec spec = readTableSpec(buf);
    int[] owners = readInts(buf, "shard owners");
    return new TableRoute(tableId, spec, owners);
  }

  public static int routingTableLength(RoutingTable r) {
    int n = 8 + 4 + 4;
    for (ServerInfo s : r.servers()) {
      n = Math.addExact(n, serverInfoLength(s));
    }
    for (TableRoute t : r.tables()) {
      n = Math.addExact(n, tableRouteLength(t));
    }
    return n;
  }

  public static void writeRoutingTable(ByteBuf buf, RoutingTable r) {
    buf.writeLongLE(r.version());
    buf.writeIntLE(r.servers().size());
    for (ServerInfo s : r.servers()) {
      writeServerInfo(buf, s);
    }
    buf.writeIntLE(r.tables().size());
    for (TableRoute t : r.tables()) {
      writeTableRoute(buf, t);
    }
  }

  public static RoutingTable readRoutingTable(ByteBuf buf) {
    long version = buf.readLongLE();
    int serverCount = readCount(buf, MIN_SERVER_BYTES, "routing servers");
    List<ServerInfo> servers = new ArrayList<>(serverCount);
    for (int i = 0; i < serverCount; i++) {
      servers.add(readServerInfo(buf));
    }
    int tableCount = readCount(buf, MIN_ROUTE_BYTES, "routing tables");
    List<TableRoute> tables = new ArrayList<>(tableCount);
    for (int i = 0; i < tableCount; i++) {
      tables.add(readTableRoute(buf));
    }
    try {
      return new RoutingTable(version, servers, tables);
    } catch (IllegalStateException e) {
      // Collectors.toUnmodifiableMap: two servers with one id, or two tables with one name.
      throw new MalformedMessageException("inconsistent routing table: " + e.getMessage(), e);
    }
  }

  public static void writePushId(ByteBuf buf, PushId id) {
    buf.writeLongLE(id.runId());
    buf.writeIntLE(id.worker());
    buf.writeLongLE(id.clock());
    buf.writeIntLE(id.seq());
    buf.writeIntLE(id.epoch());
  }

  public static PushId readPushId(ByteBuf buf) {
    long runId = buf.readLongLE();
    int worker = buf.readIntLE();
    long clock = buf.readLongLE();
    int seq = buf.readIntLE();
    int epoch = buf.readIntLE();
    return new PushId(runId, worker, clock, seq, epoch);
  }

  // ---- toString helpers for messages -------------------------------------------------------

  /** Contents of short arrays, the length of long ones. */
  public static String describe(long[] a) {
    return a.length <= MAX_PRINTED_ELEMENTS ? Arrays.toString(a) : "long[" + a.length + "]";
  }

  public static String describe(float[] a) {
    return a.length <= MAX_PRINTED_ELEMENTS ? Arrays.toString(a) : "float[" + a.length + "]";
  }

  public static String describe(boolean[] a) {
    return a.length <= MAX_PRINTED_ELEMENTS ? Arrays.toString(a) : "boolean[" + a.length + "]";
  }

  /** Never the contents: byte arrays here are nonces and MACs. */
  public static String describe(byte[] a) {
    return "byte[" + a.length + "]";
  }
}
