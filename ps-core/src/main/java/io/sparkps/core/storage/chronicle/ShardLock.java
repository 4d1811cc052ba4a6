package io.sparkps.core.storage.chronicle;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on {@code <file>.lock}, held while a persisted shard is open. Chronicle Map
 * allows one instance per file per JVM and its recovery needs exclusive access, so a second open
 * of the same shard, in this JVM or another process, must fail before it touches the file.
 * NOT thread-safe: owned by one store.
 */
final class ShardLock {

  private FileChannel channel;

  private ShardLock(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Takes the lock on {@code lockFile}, creating it if needed; throws
   * {@link IllegalStateException} naming {@code file} if the shard is already open.
   */
  static ShardLock acquire(Path lockFile, Path file) throws IOException {
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new IllegalStateException("persisted shard is already open in this JVM: file=" + file
          + " (close or destroy its store first)");
    }
    if (lock == null) {
      ch.close();
      throw new IllegalStateException("persisted shard is open in another process: file=" + file
          + " (lock held on " + lockFile + ")");
    }
    return new ShardLock(ch);
  }

  /** Releases the lock. Idempotent. */
  void release() {
    if (channel != null) {
      try {
        channel.close();  // releases the lock
      } catch (IOException e) {
        // nothing left to do: the lock dies with the channel
      }
      channel = null;
    }
  }
}
