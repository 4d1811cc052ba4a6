package io.sparkps.core.storage;

import io.sparkps.core.config.InitializerSpec;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.TableSpec.Storage;
import io.sparkps.core.storage.tiers.ShardStores;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole {@link ShardStoreContract}, unchanged, on
 * {@link io.sparkps.core.storage.chronicle.ChronicleShardStore} in each combination of tier
 * (off-heap, persisted) and kind (sparse, dense), built through
 * {@link ShardStores} as a server builds them. Sparse stores start at 256 entries, so contract
 * tests that write thousands of rows also go through several growths.
 */
class ChronicleShardStoreContractTest {

  static final long SMALL = 256;
  /** Dense stores hold [START, END), as in {@link DenseShardStoreTest}. */
  static final long START = 5_000;
  static final long END = START + ShardStoreContract.KEYS;

  static TableSpec sparseSpec(int dim, UpdaterSpec updater, InitializerSpec init, Storage storage) {
    return TableSpec.sparse("t", dim).withUpdater(updater).withInitializer(init).withStorage(storage);
  }

  static TableSpec denseSpec(int dim, UpdaterSpec updater, InitializerSpec init, Storage storage) {
    return TableSpec.dense("t", END, dim).withUpdater(updater).withInitializer(init).withStorage(storage);
  }

  @Nested
  class OffHeapSparse extends ShardStoreContract {
    @Override
    ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
      return ShardStores.create(sparseSpec(dim, updater, init, Storage.OFFHEAP), 0, 0,
          StorageOptions.defaults().withExpectedEntries(SMALL));
    }

    @Override
    long key(int i) {
      return SparseShardStoreTest.sparseKey(i);
    }

    @Override
    boolean dense() {
      return false;
    }
  }

  @Nested
  class PersistedSparse extends ShardStoreContract {
    @TempDir
    Path dir;
    private int shard;

    @Override
    ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
      return ShardStores.create(sparseSpec(dim, updater, init, Storage.PERSISTED), 0, 0,
          StorageOptions.defaults().withDirectory(dir).withShard(1, shard++).withExpectedEntries(SMALL));
    }

    @Override
    long key(int i) {
      return SparseShardStoreTest.sparseKey(i);
    }

    @Override
    boolean dense() {
      return false;
    }
  }

  /** Also runs the dense store's own extras (key ranges, pullRange) on the off-heap tier. */
  @Nested
  class OffHeapDense extends DenseShardStoreTest {
    @Override
    ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
      return ShardStores.create(denseSpec(dim, updater, init, Storage.OFFHEAP), START, END);
    }

    @Override
    long key(int i) {
      return START + i;
    }

    @Override
    boolean dense() {
      return true;
    }
  }

  @Nested
  class PersistedDense extends ShardStoreContract {
    @TempDir
    Path dir;
    private int shard;

    @Override
    ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
      return ShardStores.create(denseSpec(dim, updater, init, Storage.PERSISTED), START, END,
          StorageOptions.defaults().withDirectory(dir).withShard(2, shard++));
    }

    @Override
    long key(int i) {
      return START + i;
    }

    @Override
    boolean dense() {
      return true;
    }
  }
}
