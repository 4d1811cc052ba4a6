package io.sparkps.core.storage.chronicle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.TableSpec.Storage;
import io.sparkps.core.partition.Hashing;
import io.sparkps.core.storage.DenseShardStore;
import io.sparkps.core.storage.Initializer;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.storage.ModelStore;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.ShardStoreContract;
import io.sparkps.core.storage.StorageOptions;
import io.sparkps.core.storage.tiers.ShardStores;
import io.sparkps.core.update.UpdaterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the Chronicle tiers do: reopening persisted shards (rows, optimizer state, versions),
 * crash recovery, layout checks, exclusive opening, growth, and scans that stay exact while the
 * store changes between calls. The shared semantics are in
 * {@link io.sparkps.core.storage.ChronicleShardStoreContractTest}.
 */
class ChronicleShardStoreTest {

  @TempDir
  Path dir;

  private final List<ShardStore> opened = new ArrayList<>();

  @AfterEach
  void closeStores() {
    opened.forEach(ShardStore::close);
  }

  private <S extends ShardStore> S track(S s) {
    opened.add(s);
    return s;
  }

  private static TableSpec sparse(String name, int dim, UpdaterSpec updater, Storage storage) {
    return TableSpec.sparse(name, dim).withUpdater(updater)
        .withInitializer(InitializerSpec.normal(0, 0.1, 17)).withStorage(storage);
  }

  private StorageOptions persisted(int shard, long entries) {
    return StorageOptions.defaults().withDirectory(dir).withShard(3, shard).withExpectedEntries(entries);
  }

  private ChronicleShardStore open(TableSpec spec, StorageOptions options) {
    return track(assertInstanceOf(ChronicleShardStore.class, ShardStores.create(spec, 0, spec.rows(), options)));
  }

  /** A seeded batch of keys (sorted, unique) from a universe of {@code universe} scattered longs. */
  private static long[] batch(Random rnd, int universe, int n) {
    Set<Long> keys = new java.util.TreeSet<>();
    while (keys.size() < n) {
      keys.add(Hashing.mix64(1 + rnd.nextInt(universe)));
    }
    return keys.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] gaussians(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  /** The same seeded pushes (and a few assigns and removes) to every store. */
  private static void train(Random rnd, int steps, int universe, int dim, ShardStore... stores) {
    for (int step = 0; step < steps; step++) {
      long[] keys = batch(rnd, universe, 1 + rnd.nextInt(20));
      float[] vals = gaussians(rnd, keys.length * dim);
      int kind = rnd.nextInt(10);
      for (ShardStore s : stores) {
        if (kind == 0) {
          s.assign(keys, 0, keys.length, vals, 0);
        } else if (kind == 1 && !isDense(s)) {
          s.remove(keys, 0, Math.min(2, keys.length));
        } else {
          s.push(keys, 0, keys.length, vals, 0);
        }
      }
    }
  }

  private static boolean isDense(ShardStore s) {
    return s instanceof DenseShardStore;
  }

  private static void assertSameRows(ShardStore expected, ShardStore actual, int universe) {
    assertEquals(expected.size(), actual.size());
    int dim = expected.dim();
    for (int i = 1; i <= universe; i++) {
      long k = Hashing.mix64(i);
      assertEquals(expected.contains(k), actual.contains(k), "key=" + k);
      assertEquals(expected.version(k), actual.version(k), "key=" + k);
      assertArrayEquals(ShardStoreContract.pull(expected, k), ShardStoreContract.pull(actual, k), "key=" + k);
    }
    Map<Long, float[]> e = ShardStoreContract.scanAll(expected);
    Map<Long, float[]> a = ShardStoreContract.scanAll(actual);
    assertEquals(e.keySet(), a.keySet());
    e.forEach((k, v) -> assertArrayEquals(v, a.get(k), "key=" + k));
    assertTrue(dim > 0);
  }

  /**
   * The durability promise: rows written with adagrad or FTRL state, closed, reopened from the
   * same file, are equal to a heap store's, and further identical pushes keep them equal (so
   * the optimizer state came back too). Starts small, so the file is replaced by growth first.
   */
  @Test
  void persistedShardReopensWithRowsOptimizerStateAndVersions() {
    for (UpdaterSpec updater : new UpdaterSpec[] {UpdaterSpec.adagrad(0.1), UpdaterSpec.ftrl(0.1, 1, 0.01, 0.02)}) {
      int dim = 6;
      int universe = 400;
      int shard = updater.toString().startsWith("ftrl") ? 1 : 0;
      ShardStore heap = track(ShardStores.create(sparse("emb", dim, updater, Storage.HEAP), 0, 0));
      ChronicleShardStore first = open(sparse("emb", dim, updater, Storage.PERSISTED), persisted(shard, 32));
      Random rnd = new Random(99);
      train(rnd, 300, universe, dim, heap, first);
      assertTrue(first.capacity() > 32, "the test should grow the shard: capacity=" + first.capacity());
      assertSameRows(heap, first, universe);
      Path file = first.file();
      first.close();
      assertTrue(Files.exists(file));

      ChronicleShardStore reopened = open(sparse("emb", dim, updater, Storage.PERSISTED), persisted(shard, 32));
      assertEquals(file, reopened.file());
      assertSameRows(heap, reopened, universe);
      train(rnd, 100, universe, dim, heap, reopened);
      assertSameRows(heap, reopened, universe);
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(List.of(), files.filter(p -> p.toString().contains(".grow")).toList(), "no growth leftovers");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void persistedDenseShardReopensWithRowsAndAdamState() {
    int dim = 3;
    TableSpec spec = TableSpec.dense("w", 1000, dim).withUpdater(UpdaterSpec.adam(0.05))
        .withInitializer(InitializerSpec.uniform(-1, 1, 5)).withStorage(Storage.PERSISTED);
    ShardStore heap = track(ShardStores.create(spec.withStorage(Storage.HEAP), 200, 400));
    ShardStore first = track(ShardStores.create(spec, 200, 400, persisted(7, 1)));
    long[] keys = {200, 201, 250, 399};
    float[] g = {1, -1, 0.5f, 2, 0, -3, 1, 1, 1, 0.25f, 0.5f, 0.75f};
    for (int i = 0; i < 3; i++) {
      heap.push(keys, 0, keys.length, g, 0);
      first.push(keys, 0, keys.length, g, 0);
    }
    first.close();
    ShardStore reopened = track(ShardStores.create(spec, 200, 400, persisted(7, 1)));
    heap.push(keys, 0, keys.length, g, 0);
    reopened.push(keys, 0, keys.length, g, 0);
    float[] want = new float[200 * dim];
    float[] got = new float[200 * dim];
    heap.pullRange(200, 400, want, 0);
    reopened.pullRange(200, 400, got, 0);
    assertArrayEquals(want, got);
    assertEquals(4, reopened.version(250));
    assertEquals(0, reopened.version(251));
    assertEquals(200, reopened.size());
  }

  /**
   * A checkpoint taken from a heap store restores into a persisted one (which grows on the way)
   * and survives a reopen: records and versions bit for bit, and training then continues exactly
   * as on the heap store. Records carry no tier-specific encoding.
   */
  @Test
  void recordsLoadedIntoAPersistedShardSurviveReopen() {
    UpdaterSpec ftrl = UpdaterSpec.ftrl(0.1, 1, 0.01, 0.02);
    int dim = 5;
    int universe = 400;
    ShardStore heap = track(ShardStores.create(sparse("emb", dim, ftrl, Storage.HEAP), 0, 0));
    train(new Random(31), 200, universe, dim, heap);
    Map<Long, ShardStoreContract.Rec> saved = ShardStoreContract.records(heap, 100);
    ChronicleShardStore first = open(sparse("emb", dim, ftrl, Storage.PERSISTED), persisted(0, 16));
    saved.forEach((k, r) -> first.load(k, r.version(), r.floats(), 0));
    assertTrue(first.capacity() > 16, "the test should grow the shard: capacity=" + first.capacity());
    first.close();

    ChronicleShardStore reopened = open(sparse("emb", dim, ftrl, Storage.PERSISTED), persisted(0, 16));
    ShardStoreContract.assertSameRecords(saved, ShardStoreContract.records(reopened, 100), "reopened");
    assertSameRows(heap, reopened, universe);
    train(new Random(32), 100, universe, dim, heap, reopened);
    assertSameRows(heap, reopened, universe);
    ShardStoreContract.assertSameRecords(ShardStoreContract.records(heap, 100),
        ShardStoreContract.records(reopened, 100), "trained after reopen");
  }

  /** Dense records from an off-heap store (most rows never written, so never stored) restore on heap. */
  @Test
  void denseRecordsMoveFromOffHeapToHeap() {
    int dim = 3;
    TableSpec spec = TableSpec.dense("w", 1000, dim).withUpdater(UpdaterSpec.adam(0.05))
        .withInitializer(InitializerSpec.uniform(-1, 1, 5)).withStorage(Storage.OFFHEAP);
    ShardStore off = track(ShardStores.create(spec, 200, 400));
    long[] keys = {200, 201, 250, 399};
    float[] g = {1, -1, 0.5f, 2, 0, -3, 1, 1, 1, 0.25f, 0.5f, 0.75f};
    off.push(keys, 0, keys.length, g, 0);
    off.push(keys, 1, 2, g, 0);
    Map<Long, ShardStoreContract.Rec> saved = ShardStoreContract.records(off, 64);
    assertEquals(200, saved.size());
    assertEquals(2, saved.get(201L).version());
    assertEquals(0, saved.get(202L).version());
    ShardStore heap = track(ShardStores.create(spec.withStorage(Storage.HEAP), 200, 400));
    saved.forEach((k, r) -> heap.load(k, r.version(), r.floats(), 0));
    ShardStoreContract.assertSameRecords(saved, ShardStoreContract.records(heap, 64), "heap");
    off.push(keys, 0, keys.length, g, 0);
    heap.push(keys, 0, keys.length, g, 0);
    ShardStoreContract.assertSameRecords(ShardStoreContract.records(off, 64),
        ShardStoreContract.records(heap, 64), "pushed after restore");
  }

  /**
   * A shard not closed cleanly (its meta still says "open") is reopened through Chronicle's
   * recovery. Simulated by copying the files of an open, idle store, as a crash would leave them.
   */
  @Test
  void shardLeftOpenIsRecovered() throws IOException {
    TableSpec spec = sparse("emb", 4, UpdaterSpec.adagrad(0.2), Storage.PERSISTED);
    ChronicleShardStore live = open(spec, persisted(0, 64));
    ShardStore heap = track(ShardStores.create(spec.withStorage(Storage.HEAP), 0, 0));
    train(new Random(5), 50, 100, 4, live, heap);
    Path crashed = Files.createDirectory(dir.resolve("crashed"));
    Files.copy(live.file(), crashed.resolve(live.file().getFileName()));
    Path meta = live.file().resolveSibling(live.file().getFileName() + ".meta");
    assertTrue(Files.readString(meta).contains("clean=false"));
    Files.copy(meta, crashed.resolve(meta.getFileName()));
    ShardStore recovered = track(ShardStores.create(spec, 0, 0,
        StorageOptions.defaults().withDirectory(crashed).withShard(3, 0)));
    assertSameRows(heap, recovered, 100);
    recovered.close();
    assertTrue(Files.readString(crashed.resolve(meta.getFileName())).contains("clean=true"));
  }

  @Test
  void aFileOfAnotherLayoutIsRefusedNamingTheFix() {
    TableSpec spec = sparse("emb", 4, UpdaterSpec.adagrad(0.2), Storage.PERSISTED);
    open(spec, persisted(0, 64)).close();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> open(sparse("emb", 5, UpdaterSpec.adagrad(0.2), Storage.PERSISTED), persisted(0, 64)));
    assertTrue(e.getMessage().contains("dim=5 (file has 4)"), e.getMessage());
    assertTrue(e.getMessage().contains("delete"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> open(sparse("other", 4, UpdaterSpec.adagrad(0.2), Storage.PERSISTED), persisted(0, 64)));
    assertTrue(e.getMessage().contains("table=other (file has emb)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> open(sparse("emb", 4, UpdaterSpec.sgd(0.2), Storage.PERSISTED), persisted(0, 64)));
    assertTrue(e.getMessage().contains("updater=io.sparkps.core.update.SgdUpdater"), e.getMessage());
    // Hyper-parameters may change across a restart; the layout is the same.
    open(sparse("emb", 4, UpdaterSpec.adagrad(0.01), Storage.PERSISTED), persisted(0, 64)).close();
  }

  @Test
  void aShardFileWithoutItsLayoutIsRefused() throws IOException {
    ChronicleShardStore s = open(sparse("emb", 2, UpdaterSpec.sum(), Storage.PERSISTED), persisted(0, 64));
    s.push(new long[] {1}, 0, 1, new float[] {1, 1}, 0);
    s.close();
    Files.delete(s.file().resolveSibling(s.file().getFileName() + ".meta"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> open(sparse("emb", 2, UpdaterSpec.sum(), Storage.PERSISTED), persisted(0, 64)));
    assertTrue(e.getMessage().startsWith("persisted shard has no layout file"), e.getMessage());
  }

  @Test
  void aShardIsOpenOnceAtATime() {
    TableSpec spec = sparse("emb", 2, UpdaterSpec.sum(), Storage.PERSISTED);
    ChronicleShardStore s = open(spec, persisted(0, 64));
    s.assign(new long[] {9}, 0, 1, new float[] {1, 2}, 0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(spec, persisted(0, 64)));
    assertTrue(e.getMessage().startsWith("persisted shard is already open in this JVM"), e.getMessage());
    assertEquals(1, s.size(), "the refused open must not disturb the open store");
    s.close();
    ChronicleShardStore again = open(spec, persisted(0, 64));
    assertArrayEquals(new float[] {1, 2}, ShardStoreContract.pull(again, 9));
  }

  @Test
  void destroyDeletesTheShardFiles() throws IOException {
    TableSpec spec = sparse("emb", 2, UpdaterSpec.sum(), Storage.PERSISTED);
    ChronicleShardStore s = open(spec, persisted(0, 16));
    long[] keys = batch(new Random(3), 1000, 100);  // grows a few times
    s.push(keys, 0, keys.length, new float[keys.length * 2], 0);
    s.destroy();
    s.destroy();
    assertThrows(IllegalStateException.class, s::size);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
    assertEquals(0, open(spec, persisted(0, 16)).size());
  }

  @Test
  void clearOfAPersistedShardSurvivesReopen() {
    TableSpec spec = sparse("emb", 2, UpdaterSpec.adagrad(0.1), Storage.PERSISTED);
    ChronicleShardStore s = open(spec, persisted(0, 16));
    long[] keys = batch(new Random(4), 1000, 100);
    s.push(keys, 0, keys.length, new float[keys.length * 2], 0);
    s.clear();
    assertEquals(16, s.capacity(), "clear starts over at the expected size");
    s.push(new long[] {keys[0]}, 0, 1, new float[] {1, 1}, 0);
    s.close();
    ChronicleShardStore reopened = open(spec, persisted(0, 16));
    assertEquals(1, reopened.size());
    assertEquals(1, reopened.version(keys[0]));
    assertEquals(0, reopened.version(keys[1]));
  }

  @Test
  void sparseStoreDoublesWhenFull() {
    ChronicleShardStore s = open(sparse("emb", 3, UpdaterSpec.sum(), Storage.OFFHEAP),
        StorageOptions.defaults().withExpectedEntries(100));
    ModelStore m = new ModelStore(3, io.sparkps.core.update.SumUpdater.INSTANCE,
        Initializer.of(InitializerSpec.normal(0, 0.1, 17)));
    Random rnd = new Random(8);
    for (int i = 0; i < 1000; i++) {
      long k = rnd.nextLong();
      float[] v = gaussians(rnd, 3);
      s.push(new long[] {k}, 0, 1, v, 0);
      m.push(k, v, 0);
      if (i == 99) {
        assertEquals(100, s.capacity(), "full, but not grown before a row needs the room");
        s.push(new long[] {k}, 0, 1, v, 0);  // an existing row never triggers growth
        m.push(k, v, 0);
        assertEquals(100, s.capacity());
      }
    }
    assertEquals(1600, s.capacity());
    assertEquals(1000, s.size());
    m.rows.forEach((k, row) -> assertArrayEquals(m.pull(k), ShardStoreContract.pull(s, k)));
  }

  @Test
  void oldSignatureServesOffHeapButNeedsADirectoryForPersisted() {
    TableSpec off = sparse("emb", 2, UpdaterSpec.sum(), Storage.OFFHEAP);
    ChronicleShardStore s = track(assertInstanceOf(ChronicleShardStore.class, ShardStores.create(off, 0, 0)));
    assertEquals(StorageOptions.DEFAULT_EXPECTED_ENTRIES, s.capacity());
    assertEquals(null, s.file());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShardStores.create(off.withStorage(Storage.PERSISTED), 0, 0));
    assertTrue(e.getMessage().startsWith("persisted storage needs a directory: storageDir=null"), e.getMessage());
    assertTrue(e.getMessage().contains("storageDir(path)"), e.getMessage());
  }

  @Test
  void emptyDenseShardIsLegal() {
    TableSpec spec = TableSpec.dense("w", 10, 2).withStorage(Storage.OFFHEAP);
    ShardStore s = track(ShardStores.create(spec, 7, 7));
    assertEquals(0, s.size());
    assertEquals(-1, s.scan(0, 10, (k, src, off) -> {
      throw new AssertionError("no rows");
    }));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.contains(7));
    assertEquals("key out of range: key=7 ([7, 7))", e.getMessage());
  }

  /**
   * Rows inserted and removed between the calls of a scan that splits segments: every row that
   * exists throughout is visited exactly once, nothing is visited twice, removed rows are not
   * returned after their removal.
   */
  @Test
  void scanSplittingSegmentsStaysExactWhileRowsComeAndGo() {
    ChronicleShardStore s = open(sparse("emb", 1, UpdaterSpec.sum(), Storage.OFFHEAP),
        StorageOptions.defaults().withExpectedEntries(20_000));
    int n = 4000;
    List<Long> stable = new ArrayList<>();
    List<Long> doomed = new ArrayList<>();
    Random rnd = new Random(12);
    for (int i = 0; i < n; i++) {
      long k = rnd.nextLong();
      s.assign(new long[] {k}, 0, 1, new float[] {k % 1000}, 0);
      (i % 4 == 0 ? doomed : stable).add(k);
    }
    assertTrue(n / s.segments() > 25, "segments must be larger than a batch: segments=" + s.segments());
    Map<Long, Integer> seen = new HashMap<>();
    Set<Long> removed = new HashSet<>();
    long cursor = 0;
    int calls = 0;
    do {
      cursor = s.scan(cursor, 25, (k, src, off) -> {
        seen.merge(k, 1, Integer::sum);
        assertFalse(removed.contains(k), "removed row returned: key=" + k);
        assertEquals((float) (k % 1000), src[off], "key=" + k);
      });
      calls++;
      if (!doomed.isEmpty()) {  // between calls: one row goes, one new row comes
        long gone = doomed.remove(doomed.size() - 1);
        assertEquals(1, s.remove(new long[] {gone}, 0, 1));
        removed.add(gone);
        long fresh = rnd.nextLong();
        s.assign(new long[] {fresh}, 0, 1, new float[] {fresh % 1000}, 0);
      }
    } while (cursor != -1);
    assertTrue(calls >= n / 25, "calls=" + calls);
    for (long k : stable) {
      assertEquals(1, seen.getOrDefault(k, 0), "stable row visited " + seen.get(k) + " times: key=" + k);
    }
    seen.forEach((k, times) -> assertEquals(1, times, "visited twice: key=" + k));
  }

  /** Two scans interleaved on an unchanging store: the second's calls miss the first's snapshot. */
  @Test
  void interleavedScansBothSeeEveryRowOnce() {
    ChronicleShardStore s = open(sparse("emb", 2, UpdaterSpec.sum(), Storage.OFFHEAP),
        StorageOptions.defaults().withExpectedEntries(4096));
    long[] keys = batch(new Random(21), 1_000_000, 3000);
    s.assign(keys, 0, keys.length, new float[keys.length * 2], 0);
    List<Map<Long, Integer>> seen = List.of(new HashMap<>(), new HashMap<>());
    long[] cursors = {0, 0};
    while (cursors[0] != -1 || cursors[1] != -1) {
      for (int i = 0; i < 2; i++) {
        if (cursors[i] != -1) {
          Map<Long, Integer> mine = seen.get(i);
          cursors[i] = s.scan(cursors[i], 40 + 7 * i, (k, src, off) -> mine.merge(k, 1, Integer::sum));
        }
      }
    }
    for (Map<Long, Integer> m : seen) {
      assertEquals(keys.length, m.size());
      m.forEach((k, times) -> assertEquals(1, times, "key=" + k));
    }
  }
}
