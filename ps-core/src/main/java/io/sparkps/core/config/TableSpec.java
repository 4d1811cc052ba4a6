package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.update.UpdaterSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What a table is: its name, kind and shape, the updater the servers apply to pushes, how
 * rows start, and where shards keep them. Built with {@link #dense} or {@link #sparse} and the
 * chaining {@code with*} methods, each of which validates at once. Immutable and thread-safe.
 *
 * <p>A dense table holds {@code rows} rows of {@code dim} floats, keyed by row index
 * {@code [0, rows)} and split into contiguous ranges over the servers; a vector of n floats is
 * {@code dense(name, n, 1)} (spread over servers) or {@code dense(name, 1, n)} (one row).
 * A sparse table maps any {@code long} key to a row of {@code dim} floats, placed on a
 * consistent-hash ring; rows come into being on their first write. A sparse HEAP table may
 * also expire idle rows and admit keys only after several pushes ({@link FeatureLifecycle},
 * {@link #withExpireAfterClocks}, {@link #withAdmitAfter}, ...).
 */
public final class TableSpec implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Longest table name accepted, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 256;
  /** Widest row accepted. */
  public static final int MAX_DIM = 1 << 20;

  /** Stable ordinals: they go on the wire. */
  public enum Kind { DENSE, SPARSE }

  /**
   * Where a shard keeps its rows. Stable ordinals: they go on the wire, so new tiers are only
   * ever appended.
   * <ul>
   *   <li>{@code HEAP}: Java arrays on the server's heap; the fastest tier and the default.
   *   <li>{@code OFFHEAP}: a Chronicle Map in native memory, outside the Java heap (no GC cost,
   *       not limited by {@code -Xmx}); about 2-4x slower per row than HEAP.
   *   <li>{@code PERSISTED}: the same map, memory-mapped to one file per shard under the servers'
   *       {@code storageDir}; a shard reopened from its file after a server restart keeps its
   *       rows, optimizer state and versions.
   * </ul>
   */
  public enum Storage { HEAP, OFFHEAP, PERSISTED }

  private final String name;
  private final Kind kind;
  private final long rows;
  private final int dim;
  private final UpdaterSpec updater;
  private final InitializerSpec initializer;
  private final Storage storage;
  /** Null in specs serialized before it existed: read through {@link #lifecycle()}. */
  private final FeatureLifecycle lifecycle;

  private TableSpec(String name, Kind kind, long rows, int dim, UpdaterSpec updater,
      InitializerSpec initializer, Storage storage) {
    this(name, kind, rows, dim, updater, initializer, storage, FeatureLifecycle.NONE);
  }

  private TableSpec(String name, Kind kind, long rows, int dim, UpdaterSpec updater,
      InitializerSpec initializer, Storage storage, FeatureLifecycle lifecycle) {
    this.name = name;
    this.kind = kind;
    this.rows = rows;
    this.dim = dim;
    this.updater = updater;
    this.initializer = initializer;
    this.storage = storage;
    this.lifecycle = lifecycle;
  }

  /** A dense table of {@code rows x dim} floats, sum updater, zeros. */
  public static TableSpec dense(String name, long rows, int dim) {
    checkName(name);
    requireArgument(rows > 0, "dense table needs at least one row: rows=%s (> 0)", rows);
    checkDim(dim);
    return new TableSpec(name, Kind.DENSE, rows, dim, UpdaterSpec.sum(), InitializerSpec.zeros(),
        Storage.HEAP);
  }

  /** A sparse table of long keys to rows of {@code dim} floats, sum updater, zeros. */
  public static TableSpec sparse(String name, int dim) {
    checkName(name);
    checkDim(dim);
    return new TableSpec(name, Kind.SPARSE, 0, dim, UpdaterSpec.sum(), InitializerSpec.zeros(),
        Storage.HEAP);
  }

  /** Rebuilds a spec from its parts (the wire codec); validates everything. */
  public static TableSpec of(String name, Kind kind, long rows, int dim, UpdaterSpec updater,
      InitializerSpec initializer, Storage storage) {
    TableSpec base = kind == Kind.DENSE ? dense(name, rows, dim) : sparse(name, dim);
    return base.withUpdater(updater).withInitializer(initializer).withStorage(storage);
  }

  /** {@link #of(String, Kind, long, int, UpdaterSpec, InitializerSpec, Storage)} with lifecycle options. */
  public static TableSpec of(String name, Kind kind, long rows, int dim, UpdaterSpec updater,
      InitializerSpec initializer, Storage storage, FeatureLifecycle lifecycle) {
    return of(name, kind, rows, dim, updater, initializer, storage).withLifecycle(lifecycle);
  }

  public TableSpec withUpdater(UpdaterSpec updater) {
    Objects.requireNonNull(updater, "updater");
    return new TableSpec(name, kind, rows, dim, updater, initializer, storage, lifecycle());
  }

  public TableSpec withInitializer(InitializerSpec initializer) {
    Objects.requireNonNull(initializer, "initializer");
    return new TableSpec(name, kind, rows, dim, updater, initializer, storage, lifecycle());
  }

  /** Expiry and admission need HEAP storage: other tiers are refused while they are set. */
  public TableSpec withStorage(Storage storage) {
    Objects.requireNonNull(storage, "storage");
    checkLifecycle(storage, lifecycle());
    return new TableSpec(name, kind, rows, dim, updater, initializer, storage, lifecycle());
  }

  /**
   * Expiry and admission options (see {@link FeatureLifecycle}); only sparse HEAP tables accept
   * anything but {@link FeatureLifecycle#NONE}.
   */
  public TableSpec withLifecycle(FeatureLifecycle lifecycle) {
    Objects.requireNonNull(lifecycle, "lifecycle");
    checkLifecycle(storage, lifecycle);
    return new TableSpec(name, kind, rows, dim, updater, initializer, storage, lifecycle);
  }

  /** Removes rows not written during the last {@code clocks} clocks; see {@link FeatureLifecycle#withExpireAfterClocks}. */
  public TableSpec withExpireAfterClocks(long clocks) {
    return withLifecycle(lifecycle().withExpireAfterClocks(clocks));
  }

  /** Removes rows not written for {@code age}; see {@link FeatureLifecycle#withExpireAfterWrite}. */
  public TableSpec withExpireAfterWrite(Duration age) {
    return withLifecycle(lifecycle().withExpireAfterWrite(age));
  }

  /** Creates a key's row on its {@code count}-th push; see {@link FeatureLifecycle#withAdmitAfter}. */
  public TableSpec withAdmitAfter(int count) {
    return withLifecycle(lifecycle().withAdmitAfter(count));
  }

  /** Sizes each shard's admission sketch; see {@link FeatureLifecycle#withAdmissionSketchBytes}. */
  public TableSpec withAdmissionSketchBytes(int bytes) {
    return withLifecycle(lifecycle().withAdmissionSketchBytes(bytes));
  }

  private void checkLifecycle(Storage storage, FeatureLifecycle lifecycle) {
    if (!lifecycle.isSet()) {
      return;
    }
    requireArgument(kind == Kind.SPARSE,
        "expiry and admission need a sparse table: table=%s is dense (its rows are fixed), lifecycle=%s",
        name, lifecycle);
    requireArgument(storage == Storage.HEAP,
        "expiry and admission need HEAP storage: table=%s, storage=%s (OFFHEAP and PERSISTED stores do not "
            + "support them), lifecycle=%s", name, storage, lifecycle);
  }

  private static void checkName(String name) {
    requireArgument(name != null && !name.isBlank(), "table name must not be blank: name=%s", name);
    int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    requireArgument(bytes <= MAX_NAME_BYTES, "table name too long: bytes=%s (<= %s)", bytes, MAX_NAME_BYTES);
  }

  private static void checkDim(int dim) {
    requireArgument(dim > 0 && dim <= MAX_DIM, "row width out of range: dim=%s ([1, %s])", dim, MAX_DIM);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isDense() {
    return kind == Kind.DENSE;
  }

  /** Dense: number of rows; sparse: 0 (keys are unbounded). */
  public long rows() {
    return rows;
  }

  /** Floats per row. */
  public int dim() {
    return dim;
  }

  public UpdaterSpec updater() {
    return updater;
  }

  public InitializerSpec initializer() {
    return initializer;
  }

  public Storage storage() {
    return storage;
  }

  /** Expiry and admission options; {@link FeatureLifecycle#NONE} unless set. */
  public FeatureLifecycle lifecycle() {
    return lifecycle == null ? FeatureLifecycle.NONE : lifecycle;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableSpec t && name.equals(t.name) && kind == t.kind && rows == t.rows
        && dim == t.dim && updater.equals(t.updater) && initializer.equals(t.initializer)
        && storage == t.storage && lifecycle().equals(t.lifecycle());
  }

  @Override
  public int hashCode() {
    // Unset options leave the hash as it was before they existed.
    int h = Objects.hash(name, kind, rows, dim, updater, initializer, storage);
    return lifecycle().isSet() ? 31 * h + lifecycle().hashCode() : h;
  }

  @Override
  public String toString() {
    return "TableSpec{name=" + name + ", kind=" + kind + (isDense() ? ", rows=" + rows : "")
        + ", dim=" + dim + ", updater=" + updater + ", initializer=" + initializer
        + ", storage=" + storage + (lifecycle().isSet() ? ", lifecycle=" + lifecycle() : "") + "}";
  }
}
