package io.sparkps.core.storage.chronicle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The files of one persisted shard and the order they change in: {@code <file>} (the map),
 * {@code <file>.meta} ({@link LayoutFile}), {@code <file>.lock} ({@link ShardLock}) and, while
 * the shard grows, {@code <file>.grow-<entries>}. Each step leaves a state a later open can
 * handle: a crash mid-growth leaves the shard's own file intact and a {@code .grow} file to
 * delete; a crash mid-clear leaves no file, which reads as the empty shard a clear makes.
 * NOT thread-safe: owned by one {@link ShardMap}.
 */
final class ShardFiles {

  private static final String GROW = ".grow-";

  private final Path file;
  private final LayoutFile meta;
  private final Path lockFile;
  private ShardLock lock;

  ShardFiles(Path file, LayoutFile meta) {
    this.file = file;
    this.meta = meta;
    this.lockFile = sibling(file, ".lock");
  }

  static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  Path file() {
    return file;
  }

  /** The map and the entries it was sized for, as {@link #open} found or made them. */
  record Opened(ChronicleMap<Long, RowBuffer> map, long entries) {}

  /**
   * Locks the shard and opens its map: the existing file (after checking its layout, with
   * recovery if it was not closed cleanly) or a new one of {@code entries}. Marks the shard open
   * (not clean) until {@link #closed}. On failure nothing stays open or locked.
   */
  Opened open(RowMaps maps, long entries) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      lock = ShardLock.acquire(lockFile, file);
      ChronicleMap<Long, RowBuffer> map = null;
      boolean opened = false;
      try {
        deleteGrowFiles();  // left by a crash while growing; the shard's own file is intact
        long capacity = entries;
        if (Files.exists(file) && Files.size(file) > 0) {
          LayoutFile.Saved saved = meta.readChecked();
          capacity = saved.entries();
          map = maps.reopen(file.toFile(), capacity, saved.clean());
        } else {
          Files.deleteIfExists(meta.path());
          map = maps.createPersisted(file.toFile(), capacity);
        }
        meta.write(capacity, false);
        opened = true;
        return new Opened(map, capacity);
      } finally {
        if (!opened) {
          if (map != null) {
            map.close();
          }
          unlock();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open persisted shard: file=" + file, e);
    }
  }

  /**
   * A new map of {@code entries} in this shard's grow file. A name per capacity: Chronicle ties a
   * map's thread-local contexts to its file name, and the map being copied still carries the name
   * of the grow file it was created as.
   */
  ChronicleMap<Long, RowBuffer> createGrowMap(RowMaps maps, long entries) {
    Path tmp = growFile(entries);
    try {
      Files.deleteIfExists(tmp);
      return maps.createPersisted(tmp.toFile(), entries);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot grow persisted shard: file=" + tmp, e);
    }
  }

  /** Deletes the grow file of a copy that failed, adding any failure to {@code cause}. */
  void discardGrowFile(long entries, RuntimeException cause) {
    try {
      Files.deleteIfExists(growFile(entries));
    } catch (IOException suppressed) {
      cause.addSuppressed(suppressed);
    }
  }

  /**
   * Makes the grown map the shard's file. The new map stays mapped through the rename, and the
   * old file is replaced in one step, so a crash leaves either the old shard or the grown one.
   */
  void swapInGrowFile(long entries) {
    try {
      Files.move(growFile(entries), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      meta.write(entries, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace persisted shard after growing: file=" + file, e);
    }
  }

  /**
   * Replaces the shard's file by an empty map of {@code entries}. On failure the shard is
   * unlocked and the caller must treat the store as closed.
   */
  ChronicleMap<Long, RowBuffer> recreate(RowMaps maps, long entries) {
    try {
      Files.deleteIfExists(file);  // a crash from here on leaves no file: an empty shard, as cleared
      ChronicleMap<Long, RowBuffer> map = maps.createPersisted(file.toFile(), entries);
      meta.write(entries, false);
      return map;
    } catch (IOException e) {
      unlock();
      throw new UncheckedIOException("cannot recreate persisted shard: file=" + file, e);
    }
  }

  /** Marks the shard closed cleanly, after its map was closed, and releases the lock. */
  void closed(long entries) {
    try {
      meta.write(entries, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mark persisted shard closed: file=" + meta.path(), e);
    } finally {
      unlock();
    }
  }

  /** Deletes every file of the shard (the table is gone); the map must be closed. */
  void deleteAll() {
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(meta.path());
      deleteGrowFiles();
      Files.deleteIfExists(lockFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete persisted shard: file=" + file, e);
    }
  }

  private Path growFile(long entries) {
    return sibling(file, GROW + entries);
  }

  private void deleteGrowFiles() throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, file.getFileName() + GROW + "*")) {
      for (Path p : leftovers) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void unlock() {
    if (lock != null) {
      lock.release();
      lock = null;
    }
  }
}
