package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.update.UpdaterSpec;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Field encodings: little-endian layout, bulk arrays on every buffer kind, hostile counts. */
class CodecTest {

  private static void withBuffers(java.util.function.Consumer<ByteBuf> test) {
    Supplier<?>[] kinds = {
        () -> Unpooled.buffer(16),
        () -> PooledByteBufAllocator.DEFAULT.directBuffer(16),
        () -> {
          CompositeByteBuf c = Unpooled.compositeBuffer();
          c.addComponent(true, Unpooled.buffer(5).writeZero(5));
          c.addComponent(true, Unpooled.directBuffer(7).writeZero(7));
          c.skipBytes(12);
          return c;
        }};
    for (Supplier<?> kind : kinds) {
      ByteBuf buf = (ByteBuf) kind.get();
      try {
        test.accept(buf);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void longsAndFloatsAreLittleEndianBulk() {
    withBuffers(buf -> {
      long[] longs = {1, -2, Long.MIN_VALUE, 0x0102030405060708L};
      float[] floats = {1.5f, Float.NaN, -0f};
      Codec.writeLongs(buf, longs);
      Codec.writeFloats(buf, floats);
      assertEquals(Codec.longsLength(longs) + Codec.floatsLength(floats), buf.readableBytes());
      int base = buf.readerIndex();
      assertEquals(4, buf.getIntLE(base));
      assertEquals(0x08, buf.getByte(base + 4 + 3 * 8)); // low byte first
      assertEquals(0x0102030405060708L, buf.getLongLE(base + 4 + 3 * 8));
      assertArrayEquals(longs, Codec.readLongs(buf, "longs"));
      float[] back = Codec.readFloats(buf, "floats");
      assertEquals(floats.length, back.length);
      for (int i = 0; i < floats.length; i++) {
        assertEquals(Float.floatToRawIntBits(floats[i]), Float.floatToRawIntBits(back[i]));
      }
      assertFalse(buf.isReadable());
    });
  }

  @Test
  void stringsAreUtf8WithByteLength() {
    String s = "t\u00e9\u2713\uD834\uDD1E";
    ByteBuf buf = Unpooled.buffer();
    Codec.writeString(buf, s);
    assertEquals(Codec.stringLength(s), buf.readableBytes());
    assertEquals(ByteBufUtil.utf8Bytes(s), buf.getIntLE(0));
    assertEquals(s, Codec.readString(buf, "s"));
    buf.release();
  }

  @Test
  void stringFitsAnExactSizeBuffer() {
    String s = "\u2713\u2713";
    ByteBuf buf = Unpooled.buffer(Codec.stringLength(s), Codec.stringLength(s));
    Codec.writeString(buf, s);
    assertEquals(s, Codec.readString(buf, "s"));
    buf.release();
  }

  @Test
  void countsBeyondTheFrameAreRejected() {
    ByteBuf buf = Unpooled.buffer().writeIntLE(Integer.MAX_VALUE).writeZero(16);
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> Codec.readFloats(buf, "PUSH values"));
    assertTrue(e.getMessage().startsWith("PUSH values count exceeds the bytes left in the frame"),
        e.getMessage());
    buf.readerIndex(0);
    assertThrows(MalformedMessageException.class, () -> Codec.readString(buf, "name"));
    buf.readerIndex(0);
    assertThrows(MalformedMessageException.class, () -> Codec.readBytes(buf, "mac"));
    buf.readerIndex(0);
    assertThrows(MalformedMessageException.class, () -> Codec.readBooleans(buf, "flags"));
    buf.release();
    ByteBuf routing = Unpooled.buffer().writeLongLE(1).writeIntLE(1 << 30).writeZero(64);
    assertThrows(MalformedMessageException.class, () -> RoutingCodec.readRoutingTable(routing));
    routing.release();
  }

  @Test
  void specsAndRoutingRoundTrip() {
    RoutingTable routing = SampleMessages.routing();
    ByteBuf buf = Unpooled.buffer();
    RoutingCodec.writeRoutingTable(buf, routing);
    SpecCodec.writeTableSpec(buf, SampleMessages.sparseSpec());
    SpecCodec.writeUpdaterSpec(buf, UpdaterSpec.ftrl(0.1, 1, 0.01, 0.02));
    assertEquals(RoutingCodec.routingTableLength(routing) + SpecCodec.tableSpecLength(SampleMessages.sparseSpec())
        + SpecCodec.updaterSpecLength(UpdaterSpec.ftrl(0.1, 1, 0.01, 0.02)), buf.readableBytes());
    assertEquals(routing, RoutingCodec.readRoutingTable(buf));
    assertEquals(SampleMessages.sparseSpec(), SpecCodec.readTableSpec(buf));
    assertEquals(UpdaterSpec.ftrl(0.1, 1, 0.01, 0.02), SpecCodec.readUpdaterSpec(buf));
    assertFalse(buf.isReadable());
    buf.release();
  }

  @Test
  void duplicateServerIdsAreMalformed() {
    ByteBuf buf = Unpooled.buffer();
    buf.writeLongLE(1).writeIntLE(2);
    for (int i = 0; i < 2; i++) {
      RoutingCodec.writeServerInfo(buf, new io.sparkps.core.partition.ServerInfo(5, "h", 1, true));
    }
    buf.writeIntLE(0);
    assertThrows(MalformedMessageException.class, () -> RoutingCodec.readRoutingTable(buf));
    buf.release();
  }

  /** Storage tiers go on the wire by ordinal: HEAP stays 0 and new tiers are appended. */
  @Test
  void storageTiersHaveStableOrdinalsAndRoundTrip() {
    assertEquals(0, TableSpec.Storage.HEAP.ordinal());
    assertEquals(1, TableSpec.Storage.OFFHEAP.ordinal());
    assertEquals(2, TableSpec.Storage.PERSISTED.ordinal());
    for (TableSpec.Storage storage : TableSpec.Storage.values()) {
      for (TableSpec spec : List.of(SampleMessages.denseSpec().withStorage(storage),
          SampleMessages.sparseSpec().withStorage(storage))) {
        ByteBuf buf = Unpooled.buffer();
        SpecCodec.writeTableSpec(buf, spec);
        assertEquals(SpecCodec.tableSpecLength(spec), buf.readableBytes());
        assertEquals(storage.ordinal(), buf.getByte(buf.writerIndex() - 1), "storage is the last byte");
        assertEquals(spec, SpecCodec.readTableSpec(buf));
        assertFalse(buf.isReadable());
        buf.release();
      }
    }
    ByteBuf bad = Unpooled.buffer();
    SpecCodec.writeTableSpec(bad, SampleMessages.sparseSpec());
    bad.setByte(bad.writerIndex() - 1, 3);
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> SpecCodec.readTableSpec(bad));
    assertTrue(e.getMessage().contains("unknown table storage: ordinal=3 ([0, 2])"), e.getMessage());
    bad.release();
  }

  @Test
  void unknownEnumOrdinalIsMalformed() {
    ByteBuf buf = Unpooled.buffer().writeByte(4);
    MalformedMessageException e = assertThrows(MalformedMessageException.class,
        () -> SpecCodec.readInitializerSpec(buf));
    assertTrue(e.getMessage().contains("unknown initializer kind: ordinal=4 ([0, 3])"), e.getMessage());
    buf.release();
  }

  @Test
  void messageTypeIdsAreUniqueAndStable() {
    assertEquals(MessageType.PULL, MessageType.fromId((byte) 30));
    assertEquals(MessageType.ERROR, MessageType.fromId((byte) 11));
    assertTrue(MessageType.ERROR.isResponse());
    assertTrue(MessageType.ROUTING.isResponse());
    assertFalse(MessageType.PULL.isResponse());
    assertFalse(MessageType.AUTH_OK.isResponse());
    assertTrue(MessageType.AUTH_OK.isHandshake());
    assertThrows(MalformedMessageException.class, () -> MessageType.fromId((byte) 0));
    assertThrows(MalformedMessageException.class, () -> MessageType.fromId((byte) 99));
  }

  @Test
  void errorMessageFromExceptions() {
    assertEquals(new ErrorMessage(ErrorCode.UNKNOWN_TABLE, "no table: tableId=3"),
        ErrorMessage.from(new java.util.concurrent.CompletionException(
            new PsRemoteException(ErrorCode.UNKNOWN_TABLE, "no table: tableId=3"))));
    assertEquals(ErrorCode.INVALID_ARGUMENT, ErrorMessage.from(new IllegalArgumentException("x")).code());
    ErrorMessage internal = ErrorMessage.from(new IllegalStateException("boom"));
    assertEquals(ErrorCode.INTERNAL, internal.code());
    assertEquals("java.lang.IllegalStateException: boom", internal.message());
    PsRemoteException back = new ErrorMessage(ErrorCode.TIMEOUT, "late").toException();
    assertEquals(ErrorCode.TIMEOUT, back.code());
    assertEquals("late", back.detail());
  }
}
