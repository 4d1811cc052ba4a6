package io.sparkps.core.storage.tiers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.storage.DenseShardStore;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.SparseShardStore;
import io.sparkps.core.storage.StorageOptions;
import io.sparkps.core.storage.chronicle.ChronicleShardStore;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory picks the store by table kind and wires in the spec's updater and initializer. */
class ShardStoresTest {

  @Test
  void denseSpecGivesADenseStoreOverTheRange() {
    TableSpec spec = TableSpec.dense("w", 100, 2).withInitializer(InitializerSpec.constant(1))
        .withUpdater(UpdaterSpec.sgd(0.5));
    try (ShardStore s = ShardStores.create(spec, 40, 60)) {
      DenseShardStore d = assertInstanceOf(DenseShardStore.class, s);
      assertEquals(40, d.start());
      assertEquals(60, d.end());
      assertEquals(20, s.size());
      s.push(new long[] {40}, 0, 1, new float[] {2, -2}, 0);
      float[] out = new float[2];
      s.pull(new long[] {40}, 0, 1, out, 0);
      assertArrayEquals(new float[] {0, 2}, out);
    }
  }

  @Test
  void sparseSpecGivesASparseStore() {
    TableSpec spec = TableSpec.sparse("emb", 4).withUpdater(UpdaterSpec.adam(0.1));
    try (ShardStore s = ShardStores.create(spec, 0, 0)) {
      assertInstanceOf(SparseShardStore.class, s);
      assertEquals(4, s.dim());
      assertEquals(0, s.size());
    }
  }

  @Test
  void offHeapAndPersistedTiersGiveChronicleStores(@TempDir Path dir) {
    TableSpec sparse = TableSpec.sparse("emb", 3).withUpdater(UpdaterSpec.adagrad(0.1))
        .withStorage(TableSpec.Storage.OFFHEAP);
    TableSpec dense = TableSpec.dense("w", 100, 2).withStorage(TableSpec.Storage.PERSISTED);
    StorageOptions options = StorageOptions.forShard(dir.toString(), 4, 1).withExpectedEntries(64);
    try (ShardStore off = ShardStores.create(sparse, 0, 0, options);
        ShardStore persisted = ShardStores.create(dense, 50, 100, options)) {
      ChronicleShardStore o = assertInstanceOf(ChronicleShardStore.class, off);
      assertEquals(null, o.file());
      assertEquals(64, o.capacity());
      assertEquals(3, off.dim());
      ChronicleShardStore p = assertInstanceOf(ChronicleShardStore.class, persisted);
      assertEquals(dir.resolve("table-4-shard-1.cmap"), p.file());
      assertEquals(50, persisted.size());
      assertThrows(IllegalArgumentException.class, () -> persisted.contains(49));
    }
    try (ShardStore heap = ShardStores.create(sparse.withStorage(TableSpec.Storage.HEAP), 0, 0, options)) {
      assertInstanceOf(SparseShardStore.class, heap);
    }
  }

  @Test
  void badRangesAndUpdatersAreRejected() {
    TableSpec dense = TableSpec.dense("w", 100, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShardStores.create(dense, 90, 101));
    assertTrue(e.getMessage().contains("table=w, start=90, end=101 (0 <= start <= end <= 100)"), e.getMessage());
    TableSpec custom = TableSpec.sparse("s", 1).withUpdater(UpdaterSpec.custom("com.example.Missing"));
    e = assertThrows(IllegalArgumentException.class, () -> ShardStores.create(custom, 0, 0));
    assertTrue(e.getMessage().startsWith("unknown updater:"), e.getMessage());
  }
}
