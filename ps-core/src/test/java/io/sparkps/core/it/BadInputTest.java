package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RemoveMessage;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.RawPeer;
import io.sparkps.core.testing.TransportTesting;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Input a well-behaved client would never send, written straight to a server's socket: each case
 * gets a typed error (or a closed connection) and leaves the server serving a second client with
 * correct answers and unchanged data.
 */
class BadInputTest {

  private static final int MAX_FRAME = 64 << 10;
  private static TestCluster cluster;
  private static PsClient good;
  private static SparseTable sparse;
  private static DenseTable dense;
  private static PsServer server;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(1, PsConfig.builder().maxFrameBytes(MAX_FRAME).build(), Ticker.systemTicker());
    good = cluster.client();
    sparse = good.createSparseTable(TableSpec.sparse("s", 4));
    dense = good.createDenseTable(TableSpec.dense("d", 100, 1));
    sparse.push(new long[] {1, 2}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
    server = cluster.servers.get(0);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void unknownTableWrongDimensionAndOutOfRangeKeysGetTypedErrorsOnALiveConnection() throws Exception {
    TableRoute s = good.routing().table("s").orElseThrow();
    TableRoute d = good.routing().table("d").orElseThrow();
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.handshake();
      assertError(raw, 1, new PullMessage(999, 0, new long[] {1}), ErrorCode.UNKNOWN_TABLE);
      assertError(raw, 2, new PushMessage(s.tableId(), shardOf(s, 1), PushMode.UPDATE, PushId.NONE, new long[] {1},
          new float[] {1, 1, 1}, false), ErrorCode.WRONG_DIMENSION);
      assertError(raw, 3, new PullMessage(d.tableId(), 0, new long[] {100}), ErrorCode.KEY_OUT_OF_RANGE);
      assertError(raw, 4, new PushMessage(d.tableId(), 0, PushMode.UPDATE, PushId.NONE, new long[] {-1},
          new float[] {1}, false), ErrorCode.KEY_OUT_OF_RANGE);
      assertError(raw, 5, new PullMessage(s.tableId(), s.numShards() + 5, new long[] {1}), ErrorCode.WRONG_OWNER);
      assertError(raw, 6, new RemoveMessage(d.tableId(), 0, new long[] {1}), ErrorCode.UNSUPPORTED_OPERATION);
      assertError(raw, 7, new RegisterServerMessage("evil", 1), ErrorCode.UNEXPECTED_MESSAGE);

      // The same connection still answers correctly.
      raw.send(new Envelope(8, new PullMessage(s.tableId(), shardOf(s, 1), new long[] {1})));
      Envelope ok = raw.read();
      assertEquals(8, ok.requestId());
      assertArrayEquals(new float[] {1, 2, 3, 4}, assertInstanceOf(ValuesMessage.class, ok.message()).values());
    }
    assertServerStillCorrect();
  }

  @Test
  void truncatedBodyIsAnErrorForThatRequestOnly() throws Exception {
    TableRoute s = good.routing().table("s").orElseThrow();
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.handshake();
      byte[] frame = TransportTesting.frameBytes(new Envelope(21, new PullMessage(s.tableId(), shardOf(s, 1),
          new long[] {1, 2, 3})));
      // Keep the header, drop the last key: the frame length says what is really there.
      byte[] cut = Arrays.copyOf(frame, frame.length - 8);
      ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putInt(0, cut.length - 4);
      raw.send(cut);
      Envelope e = raw.read();
      assertEquals(21, e.requestId());
      assertEquals(ErrorCode.MALFORMED_FRAME, assertInstanceOf(ErrorMessage.class, e.message()).code());
      raw.send(new Envelope(22, new PullMessage(s.tableId(), shardOf(s, 2), new long[] {2})));
      assertArrayEquals(new float[] {5, 6, 7, 8}, assertInstanceOf(ValuesMessage.class, raw.read().message()).values());
    }
    assertServerStillCorrect();
  }

  @Test
  void wrongVersionAndOversizeFramesCloseOnlyThatConnection() throws Exception {
    TableRoute s = good.routing().table("s").orElseThrow();
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.handshake();
      byte[] frame = TransportTesting.frameBytes(new Envelope(31, new PullMessage(s.tableId(), 0, new long[] {1})));
      frame[4] = 9;
      raw.send(frame);
      assertConnectionLevelError(raw, ErrorCode.UNSUPPORTED_VERSION);
    }
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.handshake();
      ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      huge.putInt(MAX_FRAME + 1).put((byte) 1).put((byte) 30).putLong(32);
      raw.send(huge.array());
      assertConnectionLevelError(raw, ErrorCode.FRAME_TOO_LARGE);
    }
    try (RawPeer raw = new RawPeer(cluster.scheduler.port())) {
      raw.handshake();
      assertError(raw, 41, new PullMessage(s.tableId(), 0, new long[] {1}), ErrorCode.UNEXPECTED_MESSAGE);
    }
    assertServerStillCorrect();
  }

  @Test
  void rejectedPushLeavesDataUnchanged() throws Exception {
    TableRoute s = good.routing().table("s").orElseThrow();
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.handshake();
      assertError(raw, 51, new PushMessage(s.tableId(), shardOf(s, 1), PushMode.UPDATE, PushId.NONE, new long[] {1, 2},
          new float[] {9, 9, 9, 9, 9}, false), ErrorCode.WRONG_DIMENSION);
    }
    assertServerStillCorrect();
  }

  /** The shard of table {@code t} holding {@code key} (the server hosts several shards per table). */
  private static int shardOf(TableRoute t, long key) {
    return t.partitioner().shardOf(key);
  }

  private static void assertError(RawPeer raw, long id, Message request, ErrorCode code) throws Exception {
    ErrorMessage error = raw.requestError(id, request, code);
    assertTrue(!error.message().isBlank());
  }

  private static void assertConnectionLevelError(RawPeer raw, ErrorCode code) throws Exception {
    Envelope e = raw.read();
    assertEquals(code, assertInstanceOf(ErrorMessage.class, e.message()).code());
    assertTrue(raw.closedByServer(), "the connection is closed after a framing error");
  }

  private static void assertServerStillCorrect() {
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, sparse.pull(new long[] {1, 2}));
    assertEquals(2, sparse.size());
    assertArrayEquals(new float[] {0}, dense.pull(new long[] {99}));
  }
}
