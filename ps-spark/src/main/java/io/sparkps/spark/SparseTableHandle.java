package io.sparkps.spark;

import io.sparkps.core.client.SparseTable;

/** A serialisable handle on a sparse table (any long key to a row of dim floats). Thread-safe. */
public final class SparseTableHandle extends TableHandle {

  private static final long serialVersionUID = 1L;

  SparseTableHandle(PsEndpoint endpoint, String name, int dim) {
    super(endpoint, name, dim);
  }

  @Override
  public SparseTable table() {
    return client().sparseTable(name);
  }

  /** Removes rows; returns how many existed. */
  public long remove(long[] keys) {
    return table().remove(keys);
  }
}
