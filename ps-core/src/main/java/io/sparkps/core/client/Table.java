package io.sparkps.core.client;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.CasMessage;
import io.sparkps.core.protocol.CasResultMessage;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ContainsMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.FlagsMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.ScanChunkMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.SizeMessage;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.transport.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A handle on one table: operations on rows by key, each with an async form returning a
 * {@link CompletableFuture} and a blocking form bounded by the client's request timeout. Keys
 * must be sorted ascending and unique; values are row-major, {@code dim} floats per key. Requests
 * are split per shard (and per frame) and replies merged back in key order. Thread-safe and cheap:
 * a handle holds only the table's name and id.
 */
public abstract class Table {

  final PsClient client;
  final String name;
  final int tableId;
  final TableSpec spec;

  Table(PsClient client, TableRoute route) {
    this.client = client;
    this.name = route.spec().name();
    this.tableId = route.tableId();
    this.spec = route.spec();
  }

  public String name() {
    return name;
  }

  public TableSpec spec() {
    return spec;
  }

  /** Floats per row. */
  public int dim() {
    return spec.dim();
  }

  // ---- pull ----

  /** The rows of {@code keys}, row-major. */
  public CompletableFuture<float[]> pullAsync(long[] keys) {
    checkKeys(keys);
    TableRoute route = route();
    float[] out = new float[keys.length * dim()];
    return scatter(route, keys, bytesPerKey(4), (slice, f) -> f.add(
        client.send(route, slice.shard, new PullMessage(tableId, slice.shard, slice.keys))
            .thenAccept(m -> slice.scatter(((ValuesMessage) m).values(), out, dim()))))
        .thenApply(v -> out);
  }

  public float[] pull(long[] keys) {
    return await(pullAsync(keys), "pull");
  }

  // ---- push / assign / pushPull ----

  /** Sends {@code values} to be folded into the rows by the table's updater on the servers. */
  public CompletableFuture<Void> pushAsync(long[] keys, float[] values) {
    return write(keys, values, PushMode.UPDATE, () -> PushId.NONE);
  }

  public void push(long[] keys, float[] values) {
    await(pushAsync(keys, values), "push");
  }

  /** Overwrites the rows' values (optimizer state is kept). */
  public CompletableFuture<Void> assignAsync(long[] keys, float[] values) {
    return write(keys, values, PushMode.ASSIGN, () -> PushId.NONE);
  }

  public void assign(long[] keys, float[] values) {
    await(assignAsync(keys, values), "assign");
  }

  /** Pushes, then returns the rows as they are right after this push was applied. */
  public CompletableFuture<float[]> pushPullAsync(long[] keys, float[] values) {
    checkValues(keys, values);
    TableRoute route = route();
    float[] out = new float[keys.length * dim()];
    return scatter(route, keys, bytesPerKey(8), (slice, f) -> f.add(
        client.send(route, slice.shard, new PushMessage(tableId, slice.shard, PushMode.UPDATE, PushId.NONE,
            slice.keys, slice.gather(values, dim()), true))
            .thenAccept(m -> slice.scatter(((ValuesMessage) m).values(), out, dim()))))
        .thenApply(v -> out);
  }

  public float[] pushPull(long[] keys, float[] values) {
    return await(pushPullAsync(keys, values), "pushPull");
  }

  /**
   * Sends a push, one frame per slice; {@code ids} tags each frame in slice order, so replaying the
   * same push produces the same ids and the servers can drop what they already applied.
   */
  CompletableFuture<Void> write(long[] keys, float[] values, PushMode mode, Supplier<PushId> ids) {
    checkValues(keys, values);
    TableRoute route = route();
    return scatter(route, keys, bytesPerKey(4), (slice, f) -> f.add(
        client.send(route, slice.shard, new PushMessage(tableId, slice.shard, mode, ids.get(), slice.keys,
            slice.gather(values, dim()), false))));
  }

  // ---- contains / cas / size / clear / pullAll ----

  /** Whether each key's row exists on its server. */
  public CompletableFuture<boolean[]> containsAsync(long[] keys) {
    checkKeys(keys);
    TableRoute route = route();
    boolean[] out = new boolean[keys.length];
    return scatter(route, keys, 16, (slice, f) -> f.add(
        client.send(route, slice.shard, new ContainsMessage(tableId, slice.shard, slice.keys))
            .thenAccept(m -> slice.scatter(((FlagsMessage) m).flags(), out))))
        .thenApply(v -> out);
  }

  public boolean[] contains(long[] keys) {
    return await(containsAsync(keys), "contains");
  }

  /**
   * Sets the row of {@code key} to {@code values} only if its version is still
   * {@code expectedVersion} (rows start at version 0; every write adds one).
   */
  public CompletableFuture<CasResult> casAsync(long key, long expectedVersion, float[] values) {
    requireArgument(expectedVersion >= 0, "cas needs a version >= 0: expectedVersion=%s", expectedVersion);
    requireArgument(values != null && values.length == dim(), "cas takes one row: values=%s (dim=%s)",
        values == null ? null : values.length, dim());
    return casRequest(key, expectedVersion, values);
  }

  public CasResult cas(long key, long expectedVersion, float[] values) {
    return await(casAsync(key, expectedVersion, values), "cas");
  }

  /** The row of {@code key} with its version, as a basis for {@link #casAsync}. */
  public CompletableFuture<CasResult> getVersionedAsync(long key) {
    return casRequest(key, -1, new float[0]);
  }

  public CasResult getVersioned(long key) {
    return await(getVersionedAsync(key), "getVersioned");
  }

  private CompletableFuture<CasResult> casRequest(long key, long expected, float[] values) {
    checkKeys(new long[] {key});
    TableRoute route = route();
    int shard = route.partitioner().shardOf(key);
    return client.send(route, shard, new CasMessage(tableId, shard, key, expected, values)).thenApply(m -> {
      CasResultMessage r = (CasResultMessage) m;
      return new CasResult(r.applied(), r.version(), r.values());
    });
  }

  /** Number of materialised rows over all shards (dense: all rows). */
  public CompletableFuture<Long> sizeAsync() {
    TableRoute route = route();
    List<CompletableFuture<Long>> parts = new ArrayList<>();
    for (int s = 0; s < route.numShards(); s++) {
      parts.add(client.send(route, s, new SizeMessage(tableId, s)).thenApply(m -> ((CountMessage) m).count()));
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> parts.stream().mapToLong(CompletableFuture::join).sum());
  }

  public long size() {
    return await(sizeAsync(), "size");
  }

  /** Sparse: removes every row. Dense: resets every row to its initial value and fresh state. */
  public CompletableFuture<Void> clearAsync() {
    TableRoute route = route();
    List<CompletableFuture<Message>> parts = new ArrayList<>();
    for (int s = 0; s < route.numShards(); s++) {
      parts.add(client.send(route, s, new ClearMessage(tableId, s)));
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
  }

  public void clear() {
    await(clearAsync(), "clear");
  }

  /**
   * Streams every materialised row to {@code sink}, shard by shard, in chunks of at most
   * {@code chunkRows} rows (each chunk one frame), so tables larger than a frame or than the
   * caller's memory can be read. The sink is called from one thread at a time. Weakly consistent:
   * rows written during the scan may or may not be seen.
   */
  public CompletableFuture<Void> pullAllAsync(int chunkRows, BiConsumer<long[], float[]> sink) {
    int limit = maxKeysPerFrame(bytesPerKey(8));
    requireArgument(chunkRows > 0 && chunkRows <= limit,
        "chunkRows out of range: chunkRows=%s ([1, %s] for dim=%s and the frame limit)", chunkRows, limit, dim());
    TableRoute route = route();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int s = 0; s < route.numShards(); s++) {
      int shard = s;
      chain = chain.thenCompose(v -> scanShard(route, shard, 0, chunkRows, sink));
    }
    return chain;
  }

  private CompletableFuture<Void> scanShard(TableRoute route, int shard, long cursor, int chunkRows,
      BiConsumer<long[], float[]> sink) {
    return client.send(route, shard, new ScanMessage(tableId, shard, cursor, chunkRows)).thenCompose(m -> {
      ScanChunkMessage chunk = (ScanChunkMessage) m;
      if (chunk.keys().length > 0) {
        sink.accept(chunk.keys(), chunk.values());
      }
      return chunk.nextCursor() < 0 ? CompletableFuture.completedFuture(null)
          : scanShard(route, shard, chunk.nextCursor(), chunkRows, sink);
    });
  }

  /** Every materialised row, sorted by key. For tables that fit in memory; otherwise stream. */
  public Rows pullAll() {
    LongArrayBuilder keys = new LongArrayBuilder();
    FloatArrayBuilder values = new FloatArrayBuilder();
    int chunk = Math.min(65_536, maxKeysPerFrame(bytesPerKey(8)));
    await(pullAllAsync(chunk, (k, v) -> {
      keys.add(k);
      values.add(v);
    }), "pullAll");
    return Rows.sorted(keys.toArray(), values.toArray(), dim());
  }

  // ---- shared plumbing ----

  TableRoute route() {
    return client.route(name, tableId);
  }

  /** Splits keys per shard and frame, lets {@code send} issue one request per slice, and joins them. */
  CompletableFuture<Void> scatter(TableRoute route, long[] keys, int bytesPerKey,
      BiConsumer<Slice, List<CompletableFuture<?>>> send) {
    List<Slice> slices = Slice.split(keys, route.partitioner(), maxKeysPerFrame(bytesPerKey));
    List<CompletableFuture<?>> futures = new ArrayList<>(slices.size());
    for (Slice slice : slices) {
      send.accept(slice, futures);
    }
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
  }

  /** Wire bytes per key for a request carrying a key and {@code perValue}-byte floats per column. */
  int bytesPerKey(int perValue) {
    return 8 + perValue * dim();
  }

  int maxKeysPerFrame(int bytesPerKey) {
    // Headroom for the frame header and array counts.
    return Math.max(1, (client.maxFrameBytes() - 1024) / bytesPerKey);
  }

  void checkKeys(long[] keys) {
    requireArgument(keys != null, "keys must not be null");
    for (int i = 1; i < keys.length; i++) {
      if (keys[i] <= keys[i - 1]) {
        throw new IllegalArgumentException("keys must be sorted ascending and unique: keys[" + (i - 1) + "]="
            + keys[i - 1] + ", keys[" + i + "]=" + keys[i] + " (sort with Arrays.sort and drop duplicates)");
      }
    }
    checkKeyRange(keys);
  }

  /** Dense tables bound their keys; sparse ones take any long. */
  abstract void checkKeyRange(long[] keys);

  void checkValues(long[] keys, float[] values) {
    checkKeys(keys);
    requireArgument(values != null && (long) values.length == (long) keys.length * dim(),
        "values must hold keys x dim floats: values=%s (keys=%s x dim=%s)",
        values == null ? null : values.length, keys.length, dim());
  }

  <T> T await(CompletableFuture<T> f, String op) {
    return Await.result(f, client.config().requestTimeout(), op + " on table " + name,
        PsClient.REQUEST_REMEDY);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + name + ", id=" + tableId + ", dim=" + dim() + "}";
  }
}
