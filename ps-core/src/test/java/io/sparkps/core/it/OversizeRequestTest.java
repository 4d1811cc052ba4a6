package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.RangePartitioner;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.CreateShardMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.RawPeer;
import io.sparkps.core.testing.SchedulerStandIn;
import io.sparkps.core.update.UpdaterSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests naming sizes no server can honour, sent straight to a server's socket: a PULL_RANGE
 * whose {@code (end - start) * dim * 4} wraps (which used to size an array from the wrapped value:
 * NegativeArraySizeException or an OutOfMemoryError on the shard lane), inverted and negative
 * ranges, a scan chunk larger than a frame, and a shard larger than the server may hold. Each gets
 * a typed error before anything is allocated; the server keeps serving a good client whose data
 * is unchanged, and a user's impossible table fails with RESOURCE_EXHAUSTED.
 */
class OversizeRequestTest {

  private static final int MAX_FRAME = 64 << 10;
  private static final long MAX_SHARD_BYTES = 64 << 20;
  private static TestCluster cluster;
  private static PsClient good;
  private static DenseTable dense;
  private static SparseTable sparse;
  private static float[] denseValues;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(2, PsConfig.builder().maxFrameBytes(MAX_FRAME).maxShardBytes(MAX_SHARD_BYTES)
        .shardThreads(2).build(), Ticker.systemTicker());
    good = cluster.client();
    dense = good.createDenseTable(TableSpec.dense("d", 1000, 4));
    denseValues = new float[1000 * 4];
    long[] keys = new long[1000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
    }
    for (int i = 0; i < denseValues.length; i++) {
      denseValues[i] = i * 0.5f;
    }
    dense.push(keys, denseValues);
    sparse = good.createSparseTable(TableSpec.sparse("s", 4));
    sparse.push(new long[] {1, 2}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void pullRangesThatOverflowOrLeaveTheShardGetTypedErrors() throws Exception {
    TableRoute d = good.routing().table("d").orElseThrow();
    RangePartitioner ranges = (RangePartitioner) d.partitioner();
    int shard = 0;
    long start = ranges.start(shard);
    long end = ranges.end(shard);
    PsServer owner = ownerOf(d, shard);
    try (RawPeer raw = new RawPeer(owner.port())) {
      raw.handshake();
      // 2^59 + 2^29 rows x dim 4 x 4 bytes wraps to a negative size that passed the old check,
      // and (int) of the float count is -2^31: NegativeArraySizeException, code INTERNAL.
      assertError(raw, 1, new PullRangeMessage(d.tableId(), shard, 0, (1L << 59) + (1L << 29)),
          ErrorCode.KEY_OUT_OF_RANGE);
      // ... and here (int) of the float count is 2^29: a 2 GiB array, OutOfMemoryError on the lane.
      assertError(raw, 2, new PullRangeMessage(d.tableId(), shard, 0, (1L << 59) + (1L << 27)),
          ErrorCode.KEY_OUT_OF_RANGE);
      assertError(raw, 3, new PullRangeMessage(d.tableId(), shard, Long.MIN_VALUE + 1, Long.MAX_VALUE),
          ErrorCode.KEY_OUT_OF_RANGE);
      assertError(raw, 4, new PullRangeMessage(d.tableId(), shard, -5, 3), ErrorCode.KEY_OUT_OF_RANGE);
      assertError(raw, 5, new PullRangeMessage(d.tableId(), shard, end, start), ErrorCode.INVALID_ARGUMENT);
      assertError(raw, 6, new PullRangeMessage(d.tableId(), shard, start, start), ErrorCode.INVALID_ARGUMENT);
      assertError(raw, 7, new PullRangeMessage(d.tableId(), shard, start, end + 1), ErrorCode.KEY_OUT_OF_RANGE);
      assertError(raw, 8, new ScanMessage(d.tableId(), shard, 0, Integer.MAX_VALUE), ErrorCode.RESPONSE_TOO_LARGE);
      TableRoute s = good.routing().table("s").orElseThrow();
      for (int sh = 0; sh < s.numShards(); sh++) {
        if (s.ownerOf(sh) == owner.serverId()) {
          assertError(raw, 9, new PullRangeMessage(s.tableId(), sh, 0, 1), ErrorCode.UNSUPPORTED_OPERATION);
          break;
        }
      }
      // A legal range on the same connection still answers.
      raw.send(new Envelope(10, new PullRangeMessage(d.tableId(), shard, start, end)));
      Envelope ok = raw.read();
      assertEquals(10, ok.requestId());
    }
    assertDataIntact();
  }

  @Test
  void aRangeWhoseReplyExceedsTheFrameIsResponseTooLarge() throws Exception {
    DenseTable wide = good.createDenseTable(TableSpec.dense("wide", 40_000, 4));
    try {
      TableRoute w = good.routing().table("wide").orElseThrow();
      RangePartitioner ranges = (RangePartitioner) w.partitioner();
      try (RawPeer raw = new RawPeer(ownerOf(w, 0).port())) {
        raw.handshake();
        // Inside the shard, but rows x 16 bytes is far beyond a 64 KiB frame.
        assertError(raw, 1, new PullRangeMessage(w.tableId(), 0, ranges.start(0), ranges.end(0)),
            ErrorCode.RESPONSE_TOO_LARGE);
      }
      assertEquals(40_000 * 4, wide.pullRange(0, 40_000).length, "the client splits the same range into frames");
    } finally {
      good.dropTable("wide");
    }
    assertDataIntact();
  }

  @Test
  void aShardLargerThanTheServerMayHoldIsRefusedBeforeItIsAllocated() throws Exception {
    // Sent as the scheduler sends it: over the connection the server dialled to a peer that
    // proved the scheduler role, with sizes the real scheduler would never compute.
    PsConfig config = PsConfig.builder().maxFrameBytes(MAX_FRAME).maxShardBytes(MAX_SHARD_BYTES).build();
    try (SchedulerStandIn scheduler = new SchedulerStandIn(config);
        PsServer server = PsServer.start(config, 0, "127.0.0.1", scheduler.port())) {
      // 400M rows x dim 1: 1.6 GB of floats and 3.2 GB of versions, on a 2 GB test heap.
      PsRemoteException e = assertRefused(scheduler, new CreateShardMessage(9001, 0,
          TableSpec.dense("huge", 400_000_000L, 1), 0, 400_000_000L), ErrorCode.RESOURCE_EXHAUSTED);
      assertTrue(e.getMessage().contains("maxShardBytes"), e.getMessage());
      assertTrue(e.getMessage().contains("OFFHEAP"), e.getMessage());
      // rows x width x 4 overflows a long: still a typed refusal.
      TableSpec absurd = TableSpec.dense("absurd", 1L << 60, 1 << 20).withUpdater(UpdaterSpec.adam(0.1));
      assertRefused(scheduler, new CreateShardMessage(9002, 0, absurd, 0, 1L << 60), ErrorCode.RESOURCE_EXHAUSTED);
      // A range outside the table is an invalid argument, not an allocation.
      assertRefused(scheduler, new CreateShardMessage(9003, 0, TableSpec.dense("r", 10, 1), 5, 11),
          ErrorCode.INVALID_ARGUMENT);
      assertEquals(0, server.shardBytes(), "refused shards hold no memory");
      assertEquals(MAX_SHARD_BYTES, server.maxShardBytes());
      // A shard that fits is still created.
      scheduler.request(new CreateShardMessage(9004, 0, TableSpec.dense("fits", 1000, 1), 0, 1000));
      assertTrue(server.shardBytes() > 0);
    }
    // The same request from a worker on a server's listening port is refused for its role first.
    PsServer server = cluster.servers.get(0);
    long before = server.shardBytes();
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.handshake();
      assertError(raw, 1, new CreateShardMessage(9001, 0, TableSpec.dense("huge", 400_000_000L, 1),
          0, 400_000_000L), ErrorCode.UNAUTHORIZED);
    }
    assertEquals(before, server.shardBytes());
    assertDataIntact();
  }

  private static PsRemoteException assertRefused(SchedulerStandIn scheduler, Message request, ErrorCode code) {
    PsRemoteException e = assertThrows(PsRemoteException.class, () -> scheduler.request(request));
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  @Test
  void aUsersImpossibleDenseTableFailsWithResourceExhausted() throws Exception {
    PsRemoteException e = assertThrows(PsRemoteException.class,
        () -> good.createDenseTable(TableSpec.dense("impossible", 400_000_000L, 1)));
    assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("maxShardBytes"), e.getMessage());
    assertTrue(good.routing().table("impossible").isEmpty());
    // The name is free again, and a table that fits is created.
    good.createDenseTable(TableSpec.dense("impossible", 1000, 1));
    good.dropTable("impossible");
    for (PsServer s : cluster.servers) {
      assertTrue(s.shardBytes() < MAX_SHARD_BYTES, "server " + s.serverId() + " holds " + s.shardBytes());
    }
    assertDataIntact();
  }

  @Test
  void theDefaultShardLimitIsAShareOfTheHeap() {
    assertEquals(750, PsConfig.defaults().maxShardBytes(1000));
    assertEquals(0, PsConfig.defaults().maxShardBytes());
    assertEquals(5, PsConfig.builder().maxShardBytes(5).build().maxShardBytes(1000));
  }

  private static PsServer ownerOf(TableRoute route, int shard) {
    return cluster.ownerOf(route, shard);
  }

  private static ErrorMessage assertError(RawPeer raw, long id, Message request, ErrorCode code) throws Exception {
    ErrorMessage error = raw.requestError(id, request, code);
    assertTrue(!error.message().isBlank());
    return error;
  }

  private static void assertDataIntact() {
    assertArrayEquals(denseValues, dense.pullRange(0, 1000));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, sparse.pull(new long[] {1, 2}));
    for (PsServer s : cluster.servers) {
      assertTrue(!s.isClosed(), "server " + s.serverId() + " is alive");
    }
  }
}
