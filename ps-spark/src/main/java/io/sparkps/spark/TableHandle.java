package io.sparkps.spark;

import io.sparkps.core.client.KeySlices;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Rows;
import io.sparkps.core.client.Table;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;

/**
 * A serialisable handle on a table, to capture in Spark closures: it holds only the table's name
 * and how to reach the scheduler; on first use in a JVM it goes through that JVM's one shared
 * client ({@link ClientRegistry}). Thread-safe.
 */
public abstract class TableHandle implements Serializable {

  private static final long serialVersionUID = 1L;

  final PsEndpoint endpoint;
  final String name;
  final int dim;

  TableHandle(PsEndpoint endpoint, String name, int dim) {
    this.endpoint = endpoint;
    this.name = name;
    this.dim = dim;
  }

  public String name() {
    return name;
  }

  /** Floats per row. */
  public int dim() {
    return dim;
  }

  /** The ps-core table behind this handle, for operations not mirrored here. */
  public abstract Table table();

  PsClient client() {
    return ClientRegistry.client(endpoint);
  }

  /** The rows of {@code keys} (sorted, unique), row-major. */
  public float[] pull(long[] keys) {
    return table().pull(keys);
  }

  public CompletableFuture<float[]> pullAsync(long[] keys) {
    return table().pullAsync(keys);
  }

  /**
   * {@code keys} (sorted, unique) split by shard once, for pulling and pushing the same keys many
   * times (a mini-batch trained every epoch); see {@link KeySlices}.
   */
  public KeySlices slices(long[] keys) {
    return table().slices(keys);
  }

  /** Pulls the rows of keys split beforehand into the caller's array, row {@code i} at {@code out[outOffset + i*dim]}. */
  public void pullInto(KeySlices keys, float[] out, int outOffset) {
    table().pullInto(keys, out, outOffset);
  }

  /**
   * Pushes through the table's updater, untagged. Inside {@link PsContext#train} use
   * {@link WorkerContext#push} instead: its pushes are applied exactly once across task retries.
   */
  public void push(long[] keys, float[] values) {
    table().push(keys, values);
  }

  public CompletableFuture<Void> pushAsync(long[] keys, float[] values) {
    return table().pushAsync(keys, values);
  }

  public float[] pushPull(long[] keys, float[] values) {
    return table().pushPull(keys, values);
  }

  public void assign(long[] keys, float[] values) {
    table().assign(keys, values);
  }

  public boolean[] contains(long[] keys) {
    return table().contains(keys);
  }

  public long size() {
    return table().size();
  }

  public void clear() {
    table().clear();
  }

  /** Every materialised row, sorted by key (for tables that fit in memory). */
  public Rows pullAll() {
    return table().pullAll();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + name + ", dim=" + dim + ", " + endpoint + "}";
  }
}
