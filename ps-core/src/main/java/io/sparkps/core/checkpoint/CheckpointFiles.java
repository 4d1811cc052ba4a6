package io.sparkps.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The few file operations checkpoints need, so they can live on a local disk or on a
 * Hadoop-compatible file system. Paths are strings (a plain path or a URI). Implementations are
 * thread-safe.
 */
public interface CheckpointFiles {

  /**
   * Creates (or overwrites) a file, creating missing parent directories. When the stream's
   * {@code close} returns, the bytes are durable as far as the file system allows (forced to the
   * device, or hsync'd): checkpoints rely on it to write the manifest only after the data.
   */
  OutputStream create(String path) throws IOException;

  InputStream open(String path) throws IOException;

  boolean exists(String path) throws IOException;

  /** Renames a file; the target must not exist. Atomic, and durable once it returns, where the file system allows. */
  void rename(String from, String to) throws IOException;

  /** Names (not paths) of the entries directly under {@code dir}; empty if it does not exist. */
  List<String> list(String dir) throws IOException;

  /** Deletes a file or a directory with everything in it; nothing if it does not exist. */
  void deleteRecursively(String path) throws IOException;

  /** {@code parent} joined with a child name. */
  default String resolve(String parent, String child) {
    return parent.endsWith("/") ? parent + child : parent + "/" + child;
  }

  /**
   * The implementation for {@code path}: a path without a scheme or with {@code file:} is local;
   * other schemes go to the first {@link CheckpointFilesProvider} on the class path that supports
   * them.
   *
   * @throws IllegalArgumentException when no provider supports the scheme
   */
  static CheckpointFiles forPath(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("checkpoint path must not be blank: path=" + path);
    }
    if (LocalCheckpointFiles.handles(path)) {
      return LocalCheckpointFiles.INSTANCE;
    }
    for (CheckpointFilesProvider p : ServiceLoader.load(CheckpointFilesProvider.class,
        CheckpointFiles.class.getClassLoader())) {
      if (p.supports(path)) {
        return p.filesFor(path);
      }
    }
    throw new IllegalArgumentException("no file system for checkpoint path " + path + ": local paths work "
        + "everywhere; other schemes need ps-spark (Hadoop FileSystem) on the class path");
  }
}
