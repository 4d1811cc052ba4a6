package io.sparkps.bench.transport;

/**
 * The four tables both systems hold: a dense row and a sparse key space, each once with the sum
 * updater and once with AdaGrad. Pulls read the sum tables.
 */
public enum BenchTable {
  DENSE_SUM(true, false),
  DENSE_ADAGRAD(true, true),
  SPARSE_SUM(false, false),
  SPARSE_ADAGRAD(false, true);

  private final boolean dense;
  private final boolean adagrad;

  BenchTable(boolean dense, boolean adagrad) {
    this.dense = dense;
    this.adagrad = adagrad;
  }

  public boolean dense() {
    return dense;
  }

  public boolean adagrad() {
    return adagrad;
  }

  /** Table name on spark-ps. */
  public String tableName() {
    return "bench." + name().toLowerCase();
  }

  static BenchTable of(int ordinal) {
    BenchTable[] all = values();
    if (ordinal < 0 || ordinal >= all.length) {
      throw new IllegalArgumentException("unknown table: ordinal=" + ordinal + " ([0, " + (all.length - 1) + "])");
    }
    return all[ordinal];
  }
}
