package io.sparkps.core.update;

/**
 * The server-side rule that folds a pushed delta into a row. A row lives in a float slab as
 * {@code dim} weights followed directly by {@link #stateWidth(int)} floats of optimizer state, so
 * the state travels with the row (snapshots, shard moves) and needs no side table.
 *
 * <p>Implementations hold only their hyper-parameters. A store calls its updater from one thread
 * at a time, but different stores run on different threads: built-ins are immutable and
 * thread-safe, and {@link Updaters#create} gives every store its own instance of a user class, so
 * a user updater only needs to be safe for one thread at a time.
 *
 * <p>A user updater is a public class with a public {@code (double[])} constructor (it receives
 * the spec's parameters) or a public no-argument constructor, named in the table spec with
 * {@link UpdaterSpec#custom}.
 */
public interface Updater {

  /** Floats of optimizer state kept per row after the dim weights (0 for sum/assign/sgd). */
  int stateWidth(int dim);

  /**
   * Called once when a row is materialised: weights {@code row[off..off+dim)} already hold the
   * initial values; set up state {@code row[off+dim .. off+dim+stateWidth)}, which arrives
   * zeroed. Default: state stays zero.
   */
  default void initState(float[] row, int off, int dim) {}

  /**
   * Applies one pushed delta: weights at {@code row[off..off+dim)}, state right after; delta at
   * {@code delta[deltaOff..deltaOff+dim)}. Must not keep references to either array.
   */
  void apply(float[] row, int off, int dim, float[] delta, int deltaOff);
}
