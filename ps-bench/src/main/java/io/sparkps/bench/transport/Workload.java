package io.sparkps.bench.transport;

/** The transport workloads; each runs with 1 and 4 concurrent clients. */
public enum Workload {
  DENSE_PULL("dense-pull", Kind.DENSE, false, BenchTable.DENSE_SUM),
  DENSE_PUSH_SUM("dense-push-sum", Kind.DENSE, true, BenchTable.DENSE_SUM),
  DENSE_PUSH_ADAGRAD("dense-push-adagrad", Kind.DENSE, true, BenchTable.DENSE_ADAGRAD),
  SPARSE_PULL("sparse-pull", Kind.SPARSE, false, BenchTable.SPARSE_SUM),
  SPARSE_PUSH_SUM("sparse-push-sum", Kind.SPARSE, true, BenchTable.SPARSE_SUM),
  SPARSE_PUSH_ADAGRAD("sparse-push-adagrad", Kind.SPARSE, true, BenchTable.SPARSE_ADAGRAD),
  SMALL_PULL("small-pull", Kind.SMALL, false, BenchTable.SPARSE_SUM);

  /** What a workload moves and what its target is. */
  public enum Kind {
    /** The whole dense row per op; target: GB/s >= 1.0x the reference. */
    DENSE,
    /** {@code sparseKeys} random keys per op; target: keys/s >= 2x the reference with 1 client, 1.5x with more. */
    SPARSE,
    /** One key per op; target: p50 latency <= 1.5x the reference with 1 client, 2x with more. */
    SMALL
  }

  private final String id;
  private final Kind kind;
  private final boolean push;
  private final BenchTable table;

  Workload(String id, Kind kind, boolean push, BenchTable table) {
    this.id = id;
    this.kind = kind;
    this.push = push;
    this.table = table;
  }

  public String id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  public boolean push() {
    return push;
  }

  public BenchTable table() {
    return table;
  }

  public static Workload byId(String id) {
    for (Workload w : values()) {
      if (w.id.equals(id)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload: id=" + id + " (one of "
        + java.util.Arrays.stream(values()).map(Workload::id).toList() + ")");
  }
}
