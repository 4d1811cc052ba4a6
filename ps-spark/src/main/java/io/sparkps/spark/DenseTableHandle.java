package io.sparkps.spark;

import io.sparkps.core.client.DenseTable;

/** A serialisable handle on a dense table ({@code rows x dim} floats). Thread-safe. */
public final class DenseTableHandle extends TableHandle {

  private static final long serialVersionUID = 1L;
  private final long rows;

  DenseTableHandle(PsEndpoint endpoint, String name, long rows, int dim) {
    super(endpoint, name, dim);
    this.rows = rows;
  }

  public long rows() {
    return rows;
  }

  @Override
  public DenseTable table() {
    return client().denseTable(name);
  }

  /** Rows {@code [start, end)}, row-major. */
  public float[] pullRange(long start, long end) {
    return table().pullRange(start, end);
  }
}
