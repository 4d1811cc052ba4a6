package io.sparkps.core.storage;

import static io.sparkps.core.check.Checks.requireArgument;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the store factory ({@code storage.tiers.ShardStores.create}) needs beyond the table spec
 * to build an off-heap or persisted shard: the directory persisted shards live in, which shard
 * this is (its file name is {@code table-<tableId>-shard-<shard>.cmap} in that directory) and
 * how many rows a sparse shard should be sized for before it first grows.
 * HEAP tables ignore all of it. Immutable and thread-safe.
 */
public final class StorageOptions {

  /**
   * Rows a sparse off-heap or persisted shard is first sized for; it doubles (recreate and copy)
   * whenever it fills up. A persisted shard's file takes its full size on disk at once (about
   * {@code entries x (16 + 4 x floatsPerRow)} bytes), so the default is modest.
   */
  public static final long DEFAULT_EXPECTED_ENTRIES = 1 << 16;
  /** Largest {@code expectedEntries} accepted. */
  public static final long MAX_EXPECTED_ENTRIES = 1L << 40;

  private static final StorageOptions DEFAULTS = new StorageOptions(null, 0, 0, DEFAULT_EXPECTED_ENTRIES);

  private final Path directory;
  private final int tableId;
  private final int shard;
  private final long expectedEntries;

  private StorageOptions(Path directory, int tableId, int shard, long expectedEntries) {
    this.directory = directory;
    this.tableId = tableId;
    this.shard = shard;
    this.expectedEntries = expectedEntries;
  }

  /** No directory (PERSISTED tables are refused), table 0 shard 0, default expected entries. */
  public static StorageOptions defaults() {
    return DEFAULTS;
  }

  /**
   * What a server passes for one of its shards: {@code storageDir} is the configured directory
   * (PsConfig's {@code storageDir}), or null when none is configured.
   */
  public static StorageOptions forShard(String storageDir, int tableId, int shard) {
    StorageOptions o = DEFAULTS.withShard(tableId, shard);
    return storageDir == null ? o : o.withDirectory(Path.of(storageDir));
  }

  /** The directory holding persisted shards' files; created on first use if missing. */
  public StorageOptions withDirectory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    requireArgument(!directory.toString().isBlank(), "storage directory must not be blank: directory=%s",
        directory);
    return new StorageOptions(directory, tableId, shard, expectedEntries);
  }

  /** Which shard of which table this is; names its file. */
  public StorageOptions withShard(int tableId, int shard) {
    requireArgument(tableId >= 0, "table id out of range: tableId=%s (>= 0)", tableId);
    requireArgument(shard >= 0, "shard out of range: shard=%s (>= 0)", shard);
    return new StorageOptions(directory, tableId, shard, expectedEntries);
  }

  /** Rows a sparse shard is first sized for (dense shards are sized for their row range). */
  public StorageOptions withExpectedEntries(long entries) {
    requireArgument(entries >= 1 && entries <= MAX_EXPECTED_ENTRIES,
        "expected entries out of range: expectedEntries=%s ([1, %s])", entries, MAX_EXPECTED_ENTRIES);
    return new StorageOptions(directory, tableId, shard, entries);
  }

  /** The directory for persisted shards, or null when none was given. */
  public Path directory() {
    return directory;
  }

  public int tableId() {
    return tableId;
  }

  public int shard() {
    return shard;
  }

  public long expectedEntries() {
    return expectedEntries;
  }

  /**
   * This shard's file: {@code directory/table-<tableId>-shard-<shard>.cmap}; next to it the store
   * keeps {@code <file>.meta} (its layout) and {@code <file>.lock}. Throws
   * {@link IllegalArgumentException} naming the setting when no directory was given.
   */
  public Path shardFile() {
    requireArgument(directory != null,
        "persisted storage needs a directory: storageDir=null (set PsConfig.builder().storageDir(path) "
            + "on the servers, or StorageOptions.withDirectory)");
    return directory.resolve("table-" + tableId + "-shard-" + shard + ".cmap");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageOptions s && Objects.equals(directory, s.directory) && tableId == s.tableId
        && shard == s.shard && expectedEntries == s.expectedEntries;
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, tableId, shard, expectedEntries);
  }

  @Override
  public String toString() {
    return "StorageOptions{directory=" + directory + ", tableId=" + tableId + ", shard=" + shard
        + ", expectedEntries=" + expectedEntries + "}";
  }
}
