package io.sparkps.core.storage.chronicle;

import io.sparkps.core.storage.Initializer;
import io.sparkps.core.update.Updater;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * {@code <file>.meta}: the layout a persisted shard was written with, its capacity and whether it
 * was closed cleanly. A Chronicle file alone cannot tell a reopening store that its rows were
 * written for another table, dim or updater (they would be read as garbage), how many entries
 * the map was last grown to, or that the last process crashed and the file needs recovery.
 * NOT thread-safe: owned by one store.
 */
final class LayoutFile {

  /** Layout version of the value and meta formats. */
  static final String FORMAT = "1";

  /** What the meta file said about the map: its entries and whether it was closed cleanly. */
  record Saved(long entries, boolean clean) {}

  private final Path path;
  private final Path file;
  private final Properties layout;

  /**
   * The meta file of shard file {@code file} for a shard of this layout. Hyper-parameters are not
   * part of it: they may change across a restart, the stored floats mean the same.
   */
  LayoutFile(Path file, String table, boolean dense, long start, long end, int dim, int width, Updater updater,
      Initializer init) {
    this.file = file;
    this.path = ShardFiles.sibling(file, ".meta");
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("table", table);
    p.setProperty("kind", dense ? "dense" : "sparse");
    p.setProperty("start", Long.toString(start));
    p.setProperty("end", Long.toString(end));
    p.setProperty("dim", Integer.toString(dim));
    p.setProperty("floatsPerRow", Integer.toString(width));
    p.setProperty("updater", updater.getClass().getName());
    p.setProperty("initializer", init.spec().toString());
    this.layout = p;
  }

  Path path() {
    return path;
  }

  /**
   * Reads the meta file and checks every layout property matches: same table, kind, range,
   * width, updater class, initializer. Throws {@link IllegalStateException} if it is missing and
   * {@link IllegalArgumentException} listing each difference and the files to delete.
   */
  Saved readChecked() throws IOException {
    Properties meta = new Properties();
    try (InputStream in = Files.newInputStream(path)) {
      meta.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("persisted shard has no layout file: file=" + file + ", missing="
          + path + " (delete " + file + " to start the shard empty)");
    }
    StringBuilder diff = new StringBuilder();
    for (String k : layout.stringPropertyNames().stream().sorted().toList()) {
      String have = meta.getProperty(k);
      if (!layout.getProperty(k).equals(have)) {
        diff.append(diff.length() == 0 ? "" : ", ").append(k).append('=').append(layout.getProperty(k))
            .append(" (file has ").append(have).append(')');
      }
    }
    if (meta.getProperty("entries") == null) {
      diff.append(diff.length() == 0 ? "" : ", ").append("entries missing");
    }
    if (diff.length() > 0) {
      throw new IllegalArgumentException("persisted shard holds a different table layout: file=" + file
          + ": " + diff + "; delete " + file + "* or use another storage directory");
    }
    return new Saved(Long.parseLong(meta.getProperty("entries")), Boolean.parseBoolean(meta.getProperty("clean")));
  }

  /**
   * Rewrites the meta file atomically (a temporary file renamed over the old one), so a crash
   * leaves the old meta or the new one, never half of one.
   */
  void write(long entries, boolean clean) throws IOException {
    Properties p = new Properties();
    p.putAll(layout);
    p.setProperty("entries", Long.toString(entries));
    p.setProperty("clean", Boolean.toString(clean));
    Path tmp = ShardFiles.sibling(path, ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "spark-ps persisted shard layout; do not edit");
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
