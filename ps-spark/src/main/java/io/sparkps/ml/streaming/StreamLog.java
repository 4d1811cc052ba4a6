package io.sparkps.ml.streaming;

import io.sparkps.core.checkpoint.CheckpointFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The streaming trainer's durable state beside the stream's own checkpoint, under {@code
 * <checkpointLocation>/spark-ps}:
 *
 * <pre>
 *   rows/&lt;batch&gt;/part-&lt;worker&gt;   each worker's rows of a micro-batch, written by its training task
 *   commits/&lt;batch&gt;              written once the micro-batch's updates are applied on every server
 *   full/&lt;batch&gt;                 a full checkpoint of the model taken after that micro-batch
 * </pre>
 *
 * The model's state after micro-batch {@code b} is the newest full checkpoint at or before {@code
 * b} plus the committed micro-batches after it, trained again from their logged rows. Commit and
 * marker files are small properties files written under a temporary name and renamed, so a crash
 * leaves either the whole file or none. Paths are strings for {@link CheckpointFiles} (local or any
 * Hadoop file system). Driver-side, except {@link #partPath}, which tasks use. Not thread-safe.
 */
final class StreamLog {

  private static final String ROWS = "rows";
  private static final String COMMITS = "commits";
  private static final String FULL = "full";

  /**
   * A committed micro-batch: its logged parts (one per worker), rows trained, rows skipped as
   * invalid, the feature vectors' size so far, and the rows trained by every micro-batch up to it.
   */
  record Commit(long batch, int parts, long rows, long invalidRows, long numFeatures, long totalRows) {}

  /** A full checkpoint of the model taken after micro-batch {@code batch}, in {@code dir}. */
  record Full(long batch, String dir) {}

  private final CheckpointFiles files;
  private final String root;

  StreamLog(String checkpointLocation) {
    this.files = CheckpointFiles.forPath(checkpointLocation);
    this.root = files.resolve(checkpointLocation, "spark-ps");
  }

  String root() {
    return root;
  }

  CheckpointFiles files() {
    return files;
  }

  /** The directory of micro-batch {@code batch}'s logged rows. */
  String rowsDir(long batch) {
    return path(ROWS, batch);
  }

  /** Worker {@code worker}'s part of a micro-batch's rows in {@code rowsDir}. */
  static String partPath(CheckpointFiles files, String rowsDir, int worker) {
    return files.resolve(rowsDir, "part-" + worker);
  }

  /** The rows the {@code parts} workers of micro-batch {@code batch} logged (read from the files' headers). */
  long loggedRows(long batch, int parts) {
    String dir = rowsDir(batch);
    long n = 0;
    for (int p = 0; p < parts; p++) {
      String path = partPath(files, dir, p);
      try {
        n += ExampleFiles.rows(files, path);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + path + " of the stream log: " + e.getMessage(), e);
      }
    }
    return n;
  }

  /** The committed micro-batches in increasing order. */
  List<Commit> commits() {
    List<Commit> out = new ArrayList<>();
    for (long b : ids(COMMITS)) {
      Properties p = read(path(COMMITS, b));
      out.add(new Commit(b, Integer.parseInt(p.getProperty("parts")), Long.parseLong(p.getProperty("rows")),
          Long.parseLong(p.getProperty("invalidRows")), Long.parseLong(p.getProperty("numFeatures")), Long.parseLong(p.getProperty("totalRows"))));
    }
    return out;
  }

  /** The newest full checkpoint whose directory {@code usable} accepts (one rotated away is not). */
  Optional<Full> newestFull(java.util.function.Predicate<String> usable) {
    List<Long> ids = ids(FULL);
    for (int i = ids.size() - 1; i >= 0; i--) {
      Properties p = read(path(FULL, ids.get(i)));
      String dir = p.getProperty("dir");
      if (usable.test(dir)) {
        return Optional.of(new Full(ids.get(i), dir));
      }
    }
    return Optional.empty();
  }

  /** Records that micro-batch {@code c.batch()} is applied: after this, a replay of it is skipped. */
  void commit(Commit c) {
    Properties p = new Properties();
    p.setProperty("parts", Integer.toString(c.parts()));
    p.setProperty("rows", Long.toString(c.rows()));
    p.setProperty("invalidRows", Long.toString(c.invalidRows()));
    p.setProperty("numFeatures", Long.toString(c.numFeatures()));
    p.setProperty("totalRows", Long.toString(c.totalRows()));
    write(path(COMMITS, c.batch()), p);
  }

  /** Records a full checkpoint taken after micro-batch {@code batch}. */
  void full(long batch, String dir) {
    Properties p = new Properties();
    p.setProperty("dir", dir);
    write(path(FULL, batch), p);
  }

  /**
   * Deletes what no recovery needs once a full checkpoint at {@code keptFull} exists: the rows and
   * commits of micro-batches at or before it, and older full markers. The newest commit stays (it
   * says where the stream is).
   */
  void truncate(long keptFull) {
    try {
      long newestCommit = ids(COMMITS).stream().mapToLong(Long::longValue).max().orElse(-1);
      for (long b : ids(ROWS)) {
        if (b <= keptFull) {
          files.deleteRecursively(rowsDir(b));
        }
      }
      for (long b : ids(COMMITS)) {
        if (b <= keptFull && b != newestCommit) {
          files.deleteRecursively(path(COMMITS, b));
        }
      }
      for (long b : ids(FULL)) {
        if (b < keptFull) {
          files.deleteRecursively(path(FULL, b));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cleaning the stream log under " + root + ": " + e.getMessage(), e);
    }
  }

  /** Removes rows a failed attempt of micro-batch {@code batch} may have logged. */
  void discardRows(long batch) {
    try {
      files.deleteRecursively(rowsDir(batch));
    } catch (IOException e) {
      throw new UncheckedIOException("removing the rows of micro-batch " + batch + " under " + root + ": "
          + e.getMessage(), e);
    }
  }

  private String path(String kind, long batch) {
    return files.resolve(files.resolve(root, kind), Long.toString(batch));
  }

  private List<Long> ids(String kind) {
    try {
      List<Long> ids = new ArrayList<>();
      for (String name : files.list(files.resolve(root, kind))) {
        if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
          ids.add(Long.parseLong(name));
        }
      }
      ids.sort(null);
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + kind + " of the stream log under " + root + ": " + e.getMessage(),
          e);
    }
  }

  private Properties read(String path) {
    Properties p = new Properties();
    try (InputStream in = files.open(path)) {
      p.load(in);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + " of the stream log: " + e.getMessage(), e);
    }
  }

  private void write(String path, Properties p) {
    String tmp = path + ".tmp";
    try {
      try (OutputStream out = files.create(tmp)) {
        p.store(out, null);
      }
      if (files.exists(path)) {
        files.deleteRecursively(path);
      }
      files.rename(tmp, path);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + path + " of the stream log: " + e.getMessage(), e);
    }
  }
}
