package io.sparkps.core.protocol;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.update.UpdaterSpec;
import java.util.List;

/** At least one message of every type, with empty arrays and edge values. Shared by tests. */
public final class SampleMessages {

  private SampleMessages() {}

  public static TableSpec denseSpec() {
    return TableSpec.dense("lr.w", 1000, 4)
        .withUpdater(UpdaterSpec.adam(0.01))
        .withInitializer(InitializerSpec.normal(0, 0.1, 42));
  }

  public static TableSpec sparseSpec() {
    return TableSpec.sparse("emb\u00e9\u2713", 16)
        .withUpdater(UpdaterSpec.custom("com.example.MyUpdater", 1.5, -2))
        .withInitializer(InitializerSpec.uniform(-1, 1, 7))
        .withStorage(TableSpec.Storage.PERSISTED);
  }

  public static RoutingTable routing() {
    return new RoutingTable(3,
        List.of(new ServerInfo(0, "10.0.0.1", 7000, true), new ServerInfo(1, "host-\u03b2", 7001, false)),
        List.of(new TableRoute(1, denseSpec(), new int[] {0, 1}),
            new TableRoute(2, sparseSpec(), new int[] {1}),
            new TableRoute(3, TableSpec.sparse("c", 1).withInitializer(InitializerSpec.constant(0.5))
                .withStorage(TableSpec.Storage.OFFHEAP),
                new int[] {0, 0, 1})));
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  static long[] longs(int n) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0x1_0000_0001L - 5;
    }
    return a;
  }

  static float[] floats(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5f - 3;
    }
    return a;
  }

  public static List<Message> all() {
    float[] special = {1.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE};
    long[] extremes = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
    return List.of(
        new AuthChallengeMessage(true, bytes(32)),
        new AuthChallengeMessage(false, new byte[0]),
        new AuthResponseMessage(3, bytes(32), "127.0.0.1:7077", bytes(32)),
        new AuthResponseMessage(2, new byte[0], "", new byte[0]),
        new AuthOkMessage(1, bytes(32)),
        new AuthOkMessage(2, new byte[0]),
        OkMessage.INSTANCE,
        new ErrorMessage(ErrorCode.WRONG_OWNER, "shard moved: shard=3, routingVersion=4"),
        new ErrorMessage(ErrorCode.INTERNAL, ""),
        new ValuesMessage(special),
        new ValuesMessage(new float[0]),
        new ValuesMessage(floats(1000)),
        new CountMessage(Long.MAX_VALUE),
        new CountMessage(-1),
        new FlagsMessage(new boolean[] {true, false, true}),
        new FlagsMessage(new boolean[0]),
        new CasResultMessage(true, 17, floats(4)),
        new CasResultMessage(false, 0, new float[0]),
        new ScanChunkMessage(-1, longs(3), floats(12)),
        new ScanChunkMessage(5, new long[0], new float[0]),
        new RegisteredMessage(7),
        new RoutingMessage(routing()),
        new RoutingMessage(RoutingTable.empty()),
        new RoutingUpdateMessage(routing()),
        new RegisterWorkerMessage("run-1", 3, 4, 2),
        new RegisterWorkerMessage("", 0, 1, -1),
        new WorkerRegisteredMessage(7, 12, 0),
        new WorkerRegisteredMessage(7, 12, 3),
        new FenceRunMessage(7, 2),
        new ClockMessage(7, 3, Long.MAX_VALUE),
        new RunBarrierMessage(7, 0),
        new WorkerHeartbeatMessage(-1, 2),
        new FinishWorkerMessage(7, 1),
        new AbortRunMessage(7, 2, "worker 2 lost"),
        new AbortRunMessage(7, -1, "stopped by the driver"),
        new PullMessage(1, 2, extremes),
        new PullMessage(1, 0, new long[0]),
        new PullMessage(Integer.MAX_VALUE, -1, longs(2000)),
        new PullRangeMessage(1, 3, 100, 200),
        new PushMessage(1, 2, PushMode.UPDATE, new PushId(9, 3, 12, 1), longs(5), floats(20), true),
        new PushMessage(1, 2, PushMode.UPDATE, new PushId(9, 3, 12, 1, 2), longs(5), floats(20), false),
        new PushMessage(1, 2, PushMode.ASSIGN, PushId.NONE, new long[0], new float[0], false),
        new RemoveMessage(4, 1, extremes),
        new RemoveMessage(4, 1, new long[0]),
        new ContainsMessage(4, 0, longs(9)),
        new ContainsMessage(4, 0, new long[0]),
        new CasMessage(1, 0, 42, 3, floats(4)),
        new CasMessage(1, 0, -42, -1, new float[0]),
        new ClearMessage(1, 0),
        new SizeMessage(1, 7),
        new ScanMessage(1, 0, 0, 1000),
        new RegisterServerMessage("127.0.0.1", 7077),
        new RegisterServerMessage("", 0),
        new HeartbeatMessage(3),
        new CreateTableMessage(denseSpec()),
        new CreateTableMessage(sparseSpec()),
        new DropTableMessage("lr.w"),
        GetRoutingMessage.INSTANCE,
        SubscribeRoutingMessage.INSTANCE,
        new BarrierMessage("epoch-1", 8),
        new CreateShardMessage(1, 0, denseSpec(), 0, 500),
        new CreateShardMessage(2, 1, sparseSpec(), 0, 0),
        new CreateShardMessage(2, 1, sparseSpec(), 0, 0, "/tmp/ckpt-00000003/t2-s1.shard"),
        new DropShardMessage(1),
        new CheckpointShardsMessage("hdfs://nn/ckpt/ckpt-00000001", new int[] {1, 2}),
        new CheckpointShardsMessage("", new int[0]));
  }
}
