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
import io.sparkps.core.transport.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A handle on one table: operations on rows by key, each with an async form returning a
 * {@link CompletableFuture} and a blocking form bounded by the client's request timeout. Keys
 * must be sorted ascending and unique; values are row-major, {@code dim} floats per key. Requests
 * are split per shard (and per frame) and replies merged back in key order. The {@code pullInto}
 * and range {@code push} forms work on the caller's arrays (ps-lite's {@code ZPull}/{@code ZPush}):
 * no per-batch result arrays, and the arrays are the library's until the call completes.
 * Pipelining: any number of calls may be in flight at once, from one thread or many (e.g. pull
 * batch b + 1 while pushing batch b); each completes with its own rows, and requests to one
 * server leave in the order the calls were made. Blocking forms are completed on the I/O thread
 * that receives the last reply (no hand-off); async forms complete on the client's callback
 * threads, so continuations never run on an I/O thread. Thread-safe and cheap: a handle holds only
 * the table's name and id.
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
    float[] out = new float[keys.length * dim()];
    return pull(keys, out, 0, out, client.callbacks());
  }

  public float[] pull(long[] keys) {
    checkKeys(keys);
    float[] out = new float[keys.length * dim()];
    return await(pull(keys, out, 0, out, null), "pull");
  }

  /**
   * Pulls the rows of {@code keys} into the caller's array (ps-lite's {@code ZPull}): row
   * {@code i} goes to {@code out[outOffset + i*dim, outOffset + (i+1)*dim)}, copied straight from
   * the reply frames, so a training loop that reuses {@code out} allocates nothing reply-sized per
   * batch. Until the future completes, that range of {@code out} belongs to the library: do not
   * read, change or reuse it (and keep {@code keys} unchanged); after a failure it may be partly
   * written. The future completes only once every request of the call has settled, so nothing is
   * written into {@code out} after it completes.
   *
   * @throws IllegalArgumentException if the keys are not sorted and unique, or {@code out} has no
   *     room for {@code keys.length x dim} floats from {@code outOffset}; nothing is sent
   */
  public CompletableFuture<Void> pullIntoAsync(long[] keys, float[] out, int outOffset) {
    checkKeys(keys);
    checkRows("out", out, outOffset, keys.length);
    return pull(keys, out, outOffset, null, client.callbacks());
  }

  /**
   * Blocking {@link #pullIntoAsync}: returns once {@code out} holds the rows. If the wait itself
   * gives up ({@code PsDeadlineException}, rare: each request has the same deadline and started
   * first), a request may still write into {@code out} until its own deadline fails it.
   */
  public void pullInto(long[] keys, float[] out, int outOffset) {
    checkKeys(keys);
    checkRows("out", out, outOffset, keys.length);
    await(pull(keys, out, outOffset, null, null), "pullInto");
  }

  /**
   * {@code keys} (sorted, unique) checked and split by shard and frame once, for a caller that
   * pulls and pushes the same keys many times ({@link KeySlices}).
   *
   * @throws IllegalArgumentException if the keys are not sorted and unique or not valid for this table
   */
  public KeySlices slices(long[] keys) {
    checkKeys(keys);
    TableRoute route = route();
    return new KeySlices(tableId, route.numShards(), dim(), split(route, keys, 0, keys.length), keys.length);
  }

  /** {@link #pullInto(long[], float[], int)} of keys split beforehand ({@link #slices}). */
  public void pullInto(KeySlices keys, float[] out, int outOffset) {
    TableRoute route = checkSlices(keys);
    checkRows("out", out, outOffset, keys.size());
    await(pull(route, keys.slices, out, outOffset, null, null), "pullInto");
  }

  /** {@link #pullIntoAsync(long[], float[], int)} of keys split beforehand ({@link #slices}). */
  public CompletableFuture<Void> pullIntoAsync(KeySlices keys, float[] out, int outOffset) {
    TableRoute route = checkSlices(keys);
    checkRows("out", out, outOffset, keys.size());
    return pull(route, keys.slices, out, outOffset, null, client.callbacks());
  }

  /** One PULL per slice, each reply read into its place in {@code out}. */
  private <T> CompletableFuture<T> pull(long[] keys, float[] out, int outOffset, T result, Executor callbacks) {
    TableRoute route = route();
    return pull(route, split(route, keys, 0, keys.length), out, outOffset, result, callbacks);
  }

  private <T> CompletableFuture<T> pull(TableRoute route, List<Slice> slices, float[] out, int outOffset, T result,
      Executor callbacks) {
    Gather<T> gather = new Gather<>(slices.size(), result, callbacks);
    for (Slice slice : slices) {
      client.send(route, slice.shard, new PullMessage(tableId, slice.shard, slice.keys),
          slice.target(out, outOffset, dim()), gather.part(Gather.READ_INTO_TARGET));
    }
    return gather.future();
  }

  // ---- push / assign / pushPull ----

  /**
   * Sends {@code values} to be folded into the rows by the table's updater on the servers. The
   * arrays may be reused as soon as this returns (the values are copied).
   */
  public CompletableFuture<Void> pushAsync(long[] keys, float[] values) {
    checkValues(keys, values);
    return write(keys, 0, keys.length, values, 0, PushMode.UPDATE, () -> PushId.NONE, false, client.callbacks());
  }

  public void push(long[] keys, float[] values) {
    checkValues(keys, values);
    await(write(keys, 0, keys.length, values, 0, PushMode.UPDATE, () -> PushId.NONE, true, null), "push");
  }

  /**
   * Pushes the rows of {@code keys[from, to)} with their values taken from the caller's array
   * (ps-lite's {@code ZPush}): row {@code i} of the range is
   * {@code values[valuesOffset + i*dim, valuesOffset + (i+1)*dim)}. When the range is all of both
   * arrays and the table has one shard, the arrays go out as they are (no copy). Until the future
   * completes they belong to the library: do not change or reuse them.
   *
   * @throws IllegalArgumentException if the range is out of bounds, its keys are not sorted and
   *     unique, or {@code values} lacks {@code (to - from) x dim} floats from
   *     {@code valuesOffset}; nothing is sent
   */
  public CompletableFuture<Void> pushAsync(long[] keys, int from, int to, float[] values, int valuesOffset) {
    checkKeys(keys, from, to);
    checkRows("values", values, valuesOffset, to - from);
    return write(keys, from, to, values, valuesOffset, PushMode.UPDATE, () -> PushId.NONE, true, client.callbacks());
  }

  /** Blocking {@link #pushAsync(long[], int, int, float[], int)}. */
  public void push(long[] keys, int from, int to, float[] values, int valuesOffset) {
    checkKeys(keys, from, to);
    checkRows("values", values, valuesOffset, to - from);
    await(write(keys, from, to, values, valuesOffset, PushMode.UPDATE, () -> PushId.NONE, true, null), "push");
  }

  /** Overwrites the rows' values (optimizer state is kept). */
  public CompletableFuture<Void> assignAsync(long[] keys, float[] values) {
    checkValues(keys, values);
    return write(keys, 0, keys.length, values, 0, PushMode.ASSIGN, () -> PushId.NONE, false, client.callbacks());
  }

  public void assign(long[] keys, float[] values) {
    checkValues(keys, values);
    await(write(keys, 0, keys.length, values, 0, PushMode.ASSIGN, () -> PushId.NONE, true, null), "assign");
  }

  /** Pushes, then returns the rows as they are right after this push was applied. */
  public CompletableFuture<float[]> pushPullAsync(long[] keys, float[] values) {
    checkValues(keys, values);
    return pushPull(keys, values, false, client.callbacks());
  }

  public float[] pushPull(long[] keys, float[] values) {
    checkValues(keys, values);
    return await(pushPull(keys, values, true, null), "pushPull");
  }

  private CompletableFuture<float[]> pushPull(long[] keys, float[] values, boolean share, Executor callbacks) {
    TableRoute route = route();
    float[] out = new float[keys.length * dim()];
    List<Slice> slices = Slice.split(keys, route.partitioner(), maxKeysPerFrame(bytesPerKey(8)));
    Gather<float[]> gather = new Gather<>(slices.size(), out, callbacks);
    for (Slice slice : slices) {
      client.send(route, slice.shard, new PushMessage(tableId, slice.shard, PushMode.UPDATE, PushId.NONE,
          slice.keys, slice.gather(values, 0, dim(), share), true),
          slice.target(out, 0, dim()), gather.part(Gather.READ_INTO_TARGET));
    }
    return gather.future();
  }

  /**
   * Sends a push of {@code keys[from, to)}, one frame per slice; {@code ids} tags each frame in
   * slice order, so replaying the same push produces the same ids and the servers can drop what
   * they already applied. Arguments are checked by the caller.
   *
   * @param share whether the caller's values array may go out as it is (it keeps it unchanged
   *     until the future completes) rather than copied
   * @param callbacks where the future completes; null for a blocking caller (see {@link Gather})
   */
  CompletableFuture<Void> write(long[] keys, int from, int to, float[] values, int valuesOffset, PushMode mode,
      Supplier<PushId> ids, boolean share, Executor callbacks) {
    TableRoute route = route();
    return write(route, split(route, keys, from, to), values, valuesOffset, mode, ids, share, callbacks);
  }

  /** As above, for keys split beforehand (checked by the caller with {@link #checkSlices}). */
  CompletableFuture<Void> write(TableRoute route, List<Slice> slices, float[] values, int valuesOffset, PushMode mode,
      Supplier<PushId> ids, boolean share, Executor callbacks) {
    Gather<Void> gather = new Gather<>(slices.size(), null, callbacks);
    for (Slice slice : slices) {
      client.send(route, slice.shard, new PushMessage(tableId, slice.shard, mode, ids.get(), slice.keys,
          slice.gather(values, valuesOffset, dim(), share), false), null, gather.part(Gather.IGNORE));
    }
    return gather.future();
  }

  // ---- contains / cas / size / clear / pullAll ----

  /** Whether each key's row exists on its server. */
  public CompletableFuture<boolean[]> containsAsync(long[] keys) {
    checkKeys(keys);
    return contains(keys, client.callbacks());
  }

  public boolean[] contains(long[] keys) {
    checkKeys(keys);
    return await(contains(keys, null), "contains");
  }

  private CompletableFuture<boolean[]> contains(long[] keys, Executor callbacks) {
    TableRoute route = route();
    boolean[] out = new boolean[keys.length];
    List<Slice> slices = Slice.split(keys, route.partitioner(), maxKeysPerFrame(16));
    Gather<boolean[]> gather = new Gather<>(slices.size(), out, callbacks);
    for (Slice slice : slices) {
      client.send(route, slice.shard, new ContainsMessage(tableId, slice.shard, slice.keys), null,
          gather.part(m -> slice.scatter(((FlagsMessage) m).flags(), out)));
    }
    return gather.future();
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

  /**
   * Every materialised row, sorted by key. For tables that fit in memory; otherwise stream. The
   * shards are scanned at once (each chunk by chunk), not one after the other as
   * {@link #pullAllAsync} does for its single sink: a trained model comes back in the time of its
   * largest shard.
   */
  public Rows pullAll() {
    TableRoute route = route();
    int chunk = Math.min(65_536, maxKeysPerFrame(bytesPerKey(8)));
    int shards = route.numShards();
    LongArrayBuilder[] keys = new LongArrayBuilder[shards];
    FloatArrayBuilder[] values = new FloatArrayBuilder[shards];
    CompletableFuture<?>[] scans = new CompletableFuture<?>[shards];
    for (int s = 0; s < shards; s++) {
      LongArrayBuilder k = keys[s] = new LongArrayBuilder();
      FloatArrayBuilder v = values[s] = new FloatArrayBuilder();
      // A shard's chunks arrive one after the other, so its builders see one thread at a time.
      scans[s] = scanShard(route, s, 0, chunk, (kk, vv) -> {
        k.add(kk);
        v.add(vv);
      });
    }
    await(CompletableFuture.allOf(scans), "pullAll");
    return Rows.sorted(LongArrayBuilder.concat(keys), FloatArrayBuilder.concat(values), dim());
  }

  // ---- shared plumbing ----

  /** Keys {@code [from, to)} split per shard and per frame of pull or push size (4 bytes a value). */
  private List<Slice> split(TableRoute route, long[] keys, int from, int to) {
    return Slice.split(keys, from, to, route.partitioner(), maxKeysPerFrame(bytesPerKey(4)));
  }

  /** The route, once {@code keys} is known to be split for this table as it is now. */
  TableRoute checkSlices(KeySlices keys) {
    requireArgument(keys != null, "keys must not be null");
    TableRoute route = route();
    requireArgument(keys.tableId == tableId && keys.numShards == route.numShards() && keys.dim == dim(),
        "these KeySlices were made for another table (id %s, %s shards, dim %s), not for table %s (id %s, %s shards,"
            + " dim %s): make them with this table's slices(keys)", keys.tableId, keys.numShards, keys.dim, name,
        tableId, route.numShards(), dim());
    return route;
  }

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
    checkKeys(keys, 0, keys.length);
  }

  /** Checks {@code keys[from, to)}: in bounds, sorted ascending and unique, valid for the table. */
  void checkKeys(long[] keys, int from, int to) {
    requireArgument(keys != null, "keys must not be null");
    requireArgument(from >= 0 && from <= to && to <= keys.length,
        "key range out of bounds: from=%s, to=%s (0 <= from <= to <= keys.length=%s)", from, to, keys.length);
    for (int i = from + 1; i < to; i++) {
      if (keys[i] <= keys[i - 1]) {
        throw new IllegalArgumentException("keys must be sorted ascending and unique: keys[" + (i - 1) + "]="
            + keys[i - 1] + ", keys[" + i + "]=" + keys[i] + " (sort with Arrays.sort and drop duplicates)");
      }
    }
    checkKeyRange(keys, from, to);
  }

  /** Dense tables bound their keys; sparse ones take any long. Keys are sorted. */
  abstract void checkKeyRange(long[] keys, int from, int to);

  /** Checks that {@code array} holds {@code rows x dim} floats from {@code offset}. */
  void checkRows(String what, float[] array, int offset, int rows) {
    requireArgument(array != null, "%s must not be null", what);
    long needed = (long) rows * dim();
    requireArgument(offset >= 0 && offset + needed <= array.length,
        "%s too small: %s.length=%s, offset=%s (needs %s rows x dim %s = %s floats from the offset)",
        what, what, array.length, offset, rows, dim(), needed);
  }

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
