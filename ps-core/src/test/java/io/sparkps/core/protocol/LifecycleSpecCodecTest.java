package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle options on the wire: behind the storage byte's high bit, so a spec without them
 * encodes as before, and one with them round-trips inside CREATE_SHARD and routing tables.
 */
class LifecycleSpecCodecTest {

  private static final TableSpec WITH = TableSpec.sparse("f", 4).withExpireAfterClocks(7).withAdmitAfter(3)
      .withAdmissionSketchBytes(1 << 16);

  @Test
  void theOptionsFollowTheStorageByteWithItsHighBitSet() {
    ByteBuf plain = Unpooled.buffer();
    ByteBuf with = Unpooled.buffer();
    try {
      SpecCodec.writeTableSpec(plain, TableSpec.sparse("f", 4));
      SpecCodec.writeTableSpec(with, WITH);
      assertEquals(SpecCodec.tableSpecLength(WITH), with.readableBytes());
      assertEquals(plain.readableBytes() + 24, with.readableBytes());
      byte[] tail = ByteBufUtil.getBytes(with, plain.readableBytes() - 1, 25);
      assertEquals("80" + "0700000000000000" + "0000000000000000" + "03000000" + "00000100",
          ByteBufUtil.hexDump(tail), "storage HEAP | 0x80, clocks, millis, admitAfter, sketch bytes (LE)");
      assertArrayEquals(ByteBufUtil.getBytes(plain, 0, plain.readableBytes() - 1),
          ByteBufUtil.getBytes(with, 0, plain.readableBytes() - 1), "everything before is unchanged");
      assertEquals(WITH, SpecCodec.readTableSpec(with));
      assertFalse(with.isReadable());
    } finally {
      plain.release();
      with.release();
    }
  }

  @Test
  void specsWithOptionsRoundTripInsideMessages() {
    TableSpec timed = TableSpec.sparse("t", 2).withExpireAfterWrite(Duration.ofMillis(1500));
    RoutingTable routing = new RoutingTable(4, List.of(new ServerInfo(1, "h", 1, true)),
        List.of(new TableRoute(1, WITH, new int[] {1}), new TableRoute(2, timed, new int[] {1, 1}),
            new TableRoute(3, TableSpec.dense("d", 5, 1), new int[] {1})));
    ByteBuf buf = Unpooled.buffer();
    try {
      RoutingCodec.writeRoutingTable(buf, routing);
      assertEquals(RoutingCodec.routingTableLength(routing), buf.readableBytes());
      assertEquals(routing, RoutingCodec.readRoutingTable(buf));
      assertFalse(buf.isReadable());
    } finally {
      buf.release();
    }
    CreateShardMessage create = new CreateShardMessage(9, 1, WITH, 0, 0);
    ByteBuf body = Unpooled.buffer();
    try {
      create.encode(body);
      assertEquals(create, CreateShardMessage.decode(body));
    } finally {
      body.release();
    }
  }

  @Test
  void truncatedOrInvalidOptionsAreMalformedOrRejected() {
    ByteBuf buf = Unpooled.buffer();
    SpecCodec.writeTableSpec(buf, WITH);
    ByteBuf cut = buf.copy(0, buf.readableBytes() - 1);
    try {
      MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> SpecCodec.readTableSpec(cut));
      assertTrue(e.getMessage().contains("truncated table lifecycle: bytesLeft=23 (24)"), e.getMessage());
      buf.setIntLE(buf.writerIndex() - 8, 0);  // admitAfter 0
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SpecCodec.readTableSpec(buf));
      assertTrue(bad.getMessage().contains("admitAfter out of range: count=0"), bad.getMessage());
    } finally {
      buf.release();
      cut.release();
    }
    ByteBuf dense = Unpooled.buffer();
    try {
      SpecCodec.writeTableSpec(dense, TableSpec.dense("d", 5, 1));
      dense.setByte(dense.writerIndex() - 1, 0x80);
      dense.writeLongLE(3).writeLongLE(0).writeIntLE(1).writeIntLE(1 << 20);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecCodec.readTableSpec(dense));
      assertTrue(e.getMessage().contains("need a sparse table"), e.getMessage());
    } finally {
      dense.release();
    }
  }
}
