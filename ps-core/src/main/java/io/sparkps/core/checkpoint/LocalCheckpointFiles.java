package io.sparkps.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Checkpoint files on the local file system (plain paths and {@code file:} URIs). */
final class LocalCheckpointFiles implements CheckpointFiles {

  static final LocalCheckpointFiles INSTANCE = new LocalCheckpointFiles();

  private LocalCheckpointFiles() {}

  static boolean handles(String path) {
    int colon = path.indexOf(':');
    int slash = path.indexOf('/');
    boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);  // "C:\" style never reaches here
    return !hasScheme || path.startsWith("file:");
  }

  private static Path local(String path) {
    return path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
  }

  @Override
  public OutputStream create(String path) throws IOException {
    Path p = local(path);
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    return new DurableOutputStream(Channels.newOutputStream(channel)) {
      @Override
      protected void sync() throws IOException {
        channel.force(true);
      }
    };
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(local(path));
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(local(path));
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Path target = local(to);
    Files.move(local(from), target, StandardCopyOption.ATOMIC_MOVE);
    // The rename is what publishes a manifest: make the directory entry durable too.
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null) {
      try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
        c.force(true);
      }
    }
  }

  @Override
  public List<String> list(String dir) throws IOException {
    Path d = local(dir);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(d)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  @Override
  public void deleteRecursively(String path) throws IOException {
    Path root = local(path);
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        deleteIfPresent(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        deleteIfPresent(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void deleteIfPresent(Path p) throws IOException {
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      // Another process removed it first: the goal (gone) is reached.
    }
  }
}
