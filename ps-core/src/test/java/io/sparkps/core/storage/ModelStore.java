package io.sparkps.core.storage;

import io.sparkps.core.update.Updater;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The obvious, slow reference for a shard store: a HashMap of materialised rows (weights and
 * state) and one of versions. An absent row reads as the initializer's values at version 0,
 * which is also what an untouched dense row looks like. Test-only; single-threaded.
 */
public final class ModelStore {

  final int dim;
  final int width;
  private final Updater updater;
  private final Initializer init;
  public final Map<Long, float[]> rows = new HashMap<>();
  private final Map<Long, Long> versions = new HashMap<>();

  public ModelStore(int dim, Updater updater, Initializer init) {
    this.dim = dim;
    this.width = dim + updater.stateWidth(dim);
    this.updater = updater;
    this.init = init;
  }

  public float[] pull(long key) {
    float[] row = rows.get(key);
    float[] out = new float[dim];
    if (row == null) {
      init.fill(key, out, 0, dim);
    } else {
      System.arraycopy(row, 0, out, 0, dim);
    }
    return out;
  }

  private float[] materialise(long key) {
    return rows.computeIfAbsent(key, k -> {
      float[] row = new float[width];
      init.fill(k, row, 0, dim);
      updater.initState(row, 0, dim);
      return row;
    });
  }

  /** The full record (weights then state) a store must report: the row, or a fresh one if absent. */
  float[] record(long key) {
    float[] row = rows.get(key);
    if (row != null) {
      return row.clone();
    }
    float[] fresh = new float[width];
    init.fill(key, fresh, 0, dim);
    updater.initState(fresh, 0, dim);
    return fresh;
  }

  public void push(long key, float[] delta, int off) {
    updater.apply(materialise(key), 0, dim, delta, off);
    bump(key);
  }

  void assign(long key, float[] values, int off) {
    System.arraycopy(values, off, materialise(key), 0, dim);
    bump(key);
  }

  long cas(long key, long expected, float[] values, int off) {
    if (version(key) != expected) {
      return -1;
    }
    assign(key, values, off);
    return version(key);
  }

  boolean remove(long key) {
    versions.remove(key);
    return rows.remove(key) != null;
  }

  boolean contains(long key) {
    return rows.containsKey(key);
  }

  long version(long key) {
    return versions.getOrDefault(key, 0L);
  }

  void clear() {
    rows.clear();
    versions.clear();
  }

  private void bump(long key) {
    versions.merge(key, 1L, Long::sum);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ModelStore{");
    rows.forEach((k, v) -> sb.append(k).append('=').append(Arrays.toString(v)).append(' '));
    return sb.append('}').toString();
  }
}
