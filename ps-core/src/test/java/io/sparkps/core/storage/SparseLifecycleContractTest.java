package io.sparkps.core.storage;

import io.sparkps.core.config.FeatureLifecycle;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.testing.FakeTicker;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.core.update.Updaters;
import java.time.Duration;
import org.junit.jupiter.api.Nested;

/**
 * The whole shard-store contract on sparse stores with expiry on (and, for the clock variant,
 * admission at count 1 plus a sketch): as long as no row goes stale, the lifecycle's stamps,
 * sweeps and checks change nothing a caller can see.
 */
class SparseLifecycleContractTest {

  @Nested
  class ExpiringByTime extends ShardStoreContract {
    @Override
    ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
      return new SparseShardStore(dim, Updaters.create(updater), Initializer.of(init), 0,
          FeatureLifecycle.NONE.withExpireAfterWrite(Duration.ofHours(1)), new FakeTicker(), FeatureEvents.NONE);
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
  class ExpiringByClocks extends ShardStoreContract {
    @Override
    ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
      return new SparseShardStore(dim, Updaters.create(updater), Initializer.of(init), 0,
          FeatureLifecycle.NONE.withExpireAfterClocks(5).withAdmissionSketchBytes(FeatureLifecycle.MIN_SKETCH_BYTES),
          new FakeTicker(), FeatureEvents.NONE);
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
}
