package io.sparkps.core.storage;

/**
 * Where a sparse store reports the rows its {@link io.sparkps.core.config.FeatureLifecycle}
 * removed and created, once per operation with that operation's counts (never per key): the
 * server adds them to its metrics. Called on the store's thread; implementations must be cheap
 * and must not call back into the store.
 */
public interface FeatureEvents {

  /** Reports nothing. */
  FeatureEvents NONE = new FeatureEvents() {
    @Override
    public void evicted(int rows) {}

    @Override
    public void admitted(int keys) {}

    @Override
    public void deferred(int keys) {}
  };

  /** {@code rows} rows were removed because they had not been written within the expiry. */
  void evicted(int rows);

  /** {@code keys} keys reached their admission count and got a row. */
  void admitted(int keys);

  /** {@code keys} pushed keys were counted by the admission sketch and dropped (not yet admitted). */
  void deferred(int keys);
}
