package io.sparkps.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.update.UpdaterSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the body bytes of one message of every type, captured from the encoders before the
 * protocol's shared message bases were introduced (issue 13): refactoring a message must not
 * change a byte on the wire. Round-trip tests alone would not notice an encoder and a decoder
 * changing together. A new message type adds its own golden entry here.
 */
class WireFormatGoldenTest {

  /** Body bytes (hex, no frame header) of {@link #messages()}, in the same order. */
  private static final List<String> GOLDEN = List.of(
        // AUTH_CHALLENGE
        "0103000000010203",
        // AUTH_RESPONSE (protocol 2: role, nonce, dialled address, MAC)
        "0300000001000000070300000068 3a3102000000 0908".replace(" ", ""),
        // AUTH_OK (protocol 2: role, MAC)
        "010000000100000005",
        // OK
        "",
        // ERROR
        "0c000000050000006d6f766564",
        // VALUES
        "030000000000c03f000000800000c07f",
        // COUNT
        "feffffffffffffff",
        // FLAGS
        "020000000100",
        // CAS_RESULT
        "0111000000000000000100000000002040",
        // SCAN_CHUNK
        "ffffffffffffffff0200000003000000000000000400000000000000020000000000803f"
            + "00000040",
        // REGISTERED
        "04030201",
        // ROUTING
        "050000000000000001000000010000000100000068581b00000101000000020000000100"
            + "0000740100000000000000000200000007000000636c6173733a75010000000000000000"
            + "00e03f01000000000000d03f000000000000000000000000000000000001000000010000"
            + "00",
        // ROUTING
        "00000000000000000000000000000000",
        // WORKER_REGISTERED
        "07000000000000000c0000000000000003000000",
        // PULL
        "04030201feffffff040000000000000000000080ffffffffffffffff0000000000000000"
            + "0807060504030201",
        // PULL
        "010000000000000000000000",
        // PULL_RANGE
        "01000000030000006400000000000000c800000000000000",
        // PUSH
        "0100000002000000010900000000000000030000000c0000000000000001000000020000"
            + "00010000000500000000000000010000000000003f01",
        // REMOVE
        "04030201feffffff040000000000000000000080ffffffffffffffff0000000000000000"
            + "0807060504030201",
        // REMOVE
        "040000000100000000000000",
        // CONTAINS
        "04030201feffffff040000000000000000000080ffffffffffffffff0000000000000000"
            + "0807060504030201",
        // CONTAINS
        "040000000000000000000000",
        // CAS
        "0100000000000000d6ffffffffffffff0300000000000000010000000000803f",
        // CLEAR
        "04030201feffffff",
        // SIZE
        "04030201feffffff",
        // SCAN
        "01000000000000000900000000000000e8030000",
        // REGISTER_SERVER
        "0300000068c3a9a51b0000",
        // HEARTBEAT
        "04030201",
        // CREATE_TABLE
        "0100000064000a000000000000000200000007000000636c6173733a7501000000000000"
            + "000000f83f02000000000000f0bf000000000000f03f070000000000000000",
        // DROP_TABLE
        "0100000064",
        // GET_ROUTING
        "",
        // SUBSCRIBE_ROUTING
        "",
        // BARRIER
        "010000006508000000",
        // CREATE_SHARD
        "02000000010000000100000064000a000000000000000200000007000000636c6173733a"
            + "7501000000000000000000f83f02000000000000f0bf000000000000f03f070000000000"
            + "00000000000000000000000500000000000000020000002f63",
        // DROP_SHARD
        "03000000",
        // ROUTING_UPDATE
        "050000000000000001000000010000000100000068581b00000101000000020000000100"
            + "0000740100000000000000000200000007000000636c6173733a75010000000000000000"
            + "00e03f01000000000000d03f000000000000000000000000000000000001000000010000"
            + "00",
        // REGISTER_WORKER
        "01000000720300000004000000ffffffff",
        // CLOCK
        "070000000000000003000000ffffffffffffff7f",
        // RUN_BARRIER
        "0807060504030201fdffffff",
        // WORKER_HEARTBEAT
        "0807060504030201fdffffff",
        // FINISH_WORKER
        "0807060504030201fdffffff",
        // ABORT_RUN
        "0700000000000000ffffffff0400000073746f70",
        // CHECKPOINT_SHARDS
        "020000002f64020000000100000002000000",
        // FENCE_RUN
        "0807060504030201fdffffff");

  @Test
  void bodiesMatchTheGoldenBytes() {
    List<Message> messages = messages();
    assertEquals(GOLDEN.size(), messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      ByteBuf buf = Unpooled.buffer();
      try {
        m.encode(buf);
        assertEquals(GOLDEN.get(i), ByteBufUtil.hexDump(buf), () -> "encoding of " + m);
        assertEquals(m.encodedLength(), buf.readableBytes(), () -> "encodedLength of " + m);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void goldenBytesDecodeToTheMessages() {
    List<Message> messages = messages();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(GOLDEN.get(i)));
      try {
        assertEquals(m, m.type().decode(buf), () -> "decoding the golden bytes of " + m.type());
        assertFalse(buf.isReadable(), () -> "bytes left after decoding " + m.type());
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void everyTypeHasGoldenBytes() {
    Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
    messages().forEach(m -> seen.add(m.type()));
    assertEquals(EnumSet.allOf(MessageType.class), seen);
  }

  /** A routing table with one server and one table: small enough to read as hex. */
  static RoutingTable smallRouting() {
    return new RoutingTable(5, List.of(new ServerInfo(1, "h", 7000, true)),
        List.of(new TableRoute(2, TableSpec.sparse("t", 2).withUpdater(UpdaterSpec.custom("u", 0.5))
            .withInitializer(InitializerSpec.constant(0.25)), new int[] {1})));
  }

  /**
   * One message of every type, fields chosen so byte order shows (0x01020304...). Changing an
   * entry means recapturing its golden bytes from the code as it was before your change.
   */
  static List<Message> messages() {
    long[] keys = {Long.MIN_VALUE, -1, 0, 0x0102030405060708L};
    TableSpec spec = TableSpec.dense("d", 10, 2).withUpdater(UpdaterSpec.custom("u", 1.5))
        .withInitializer(InitializerSpec.uniform(-1, 1, 7));
    return List.of(
        new AuthChallengeMessage(true, new byte[] {1, 2, 3}),
        new AuthResponseMessage(3, new byte[] {7}, "h:1", new byte[] {9, 8}),
        new AuthOkMessage(1, new byte[] {5}),
        OkMessage.INSTANCE,
        new ErrorMessage(ErrorCode.WRONG_OWNER, "moved"),
        new ValuesMessage(new float[] {1.5f, -0f, Float.NaN}),
        new CountMessage(-2),
        new FlagsMessage(new boolean[] {true, false}),
        new CasResultMessage(true, 17, new float[] {2.5f}),
        new ScanChunkMessage(-1, new long[] {3, 4}, new float[] {1, 2}),
        new RegisteredMessage(0x01020304),
        new RoutingMessage(smallRouting()),
        new RoutingMessage(RoutingTable.empty()),
        new WorkerRegisteredMessage(7, 12, 3),
        new PullMessage(0x01020304, -2, keys),
        new PullMessage(1, 0, new long[0]),
        new PullRangeMessage(1, 3, 100, 200),
        new PushMessage(1, 2, PushMode.ASSIGN, new PushId(9, 3, 12, 1, 2), new long[] {5},
            new float[] {0.5f}, true),
        new RemoveMessage(0x01020304, -2, keys),
        new RemoveMessage(4, 1, new long[0]),
        new ContainsMessage(0x01020304, -2, keys),
        new ContainsMessage(4, 0, new long[0]),
        new CasMessage(1, 0, -42, 3, new float[] {1}),
        new ClearMessage(0x01020304, -2),
        new SizeMessage(0x01020304, -2),
        new ScanMessage(1, 0, 9, 1000),
        new RegisterServerMessage("h\u00e9", 7077),
        new HeartbeatMessage(0x01020304),
        new CreateTableMessage(spec),
        new DropTableMessage("d"),
        GetRoutingMessage.INSTANCE,
        SubscribeRoutingMessage.INSTANCE,
        new BarrierMessage("e", 8),
        new CreateShardMessage(2, 1, spec, 0, 5, "/c"),
        new DropShardMessage(3),
        new RoutingUpdateMessage(smallRouting()),
        new RegisterWorkerMessage("r", 3, 4, -1),
        new ClockMessage(7, 3, Long.MAX_VALUE),
        new RunBarrierMessage(0x0102030405060708L, -3),
        new WorkerHeartbeatMessage(0x0102030405060708L, -3),
        new FinishWorkerMessage(0x0102030405060708L, -3),
        new AbortRunMessage(7, -1, "stop"),
        new CheckpointShardsMessage("/d", new int[] {1, 2}),
        new FenceRunMessage(0x0102030405060708L, -3));
  }
}
