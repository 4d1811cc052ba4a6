package io.sparkps.core.testing;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointFilesProvider;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checkpoint files under the {@code flaky:} scheme: local files ({@code flaky:/tmp/x} is
 * {@code /tmp/x}) whose writes can be made to fail after a number of bytes, to simulate a
 * server or disk dying in the middle of a checkpoint. Registered as a service in test resources.
 */
public final class FlakyCheckpointFiles implements CheckpointFilesProvider, CheckpointFiles {

  private static final String SCHEME = "flaky:";
  /** Bytes any one shard file may still take before writes fail; negative: never fail. */
  private static final AtomicLong failAfterBytes = new AtomicLong(-1);
  /** Shard-file opens still to fail. */
  private static final AtomicInteger failingReads = new AtomicInteger();

  /** Makes every shard file written from now on fail after {@code bytes} bytes (negative: never). */
  public static void failShardWritesAfter(long bytes) {
    failAfterBytes.set(bytes);
  }

  /** Makes the next {@code count} opens of shard files fail (0: none), as a restore on a bad disk would. */
  public static void failShardReads(int count) {
    failingReads.set(count);
  }

  /** Shard-file opens that are still going to fail. */
  public static int failingShardReads() {
    return failingReads.get();
  }

  @Override
  public boolean supports(String path) {
    return path.startsWith(SCHEME);
  }

  @Override
  public CheckpointFiles filesFor(String path) {
    return this;
  }

  private static CheckpointFiles local(String path) {
    return CheckpointFiles.forPath(strip(path));
  }

  private static String strip(String path) {
    return path.substring(SCHEME.length());
  }

  @Override
  public OutputStream create(String path) throws IOException {
    OutputStream out = local(path).create(strip(path));
    long limit = failAfterBytes.get();
    if (limit < 0 || !path.endsWith(".shard")) {
      return out;
    }
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (written + len > limit) {
          throw new IOException("simulated disk failure after " + written + " bytes of " + path);
        }
        out.write(b, off, len);
        written += len;
      }
    };
  }

  @Override
  public InputStream open(String path) throws IOException {
    if (path.endsWith(".shard") && failingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IOException("simulated read failure of " + path);
    }
    return local(path).open(strip(path));
  }

  @Override
  public boolean exists(String path) throws IOException {
    return local(path).exists(strip(path));
  }

  @Override
  public void rename(String from, String to) throws IOException {
    local(from).rename(strip(from), strip(to));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    return local(dir).list(strip(dir));
  }

  @Override
  public void deleteRecursively(String path) throws IOException {
    local(path).deleteRecursively(strip(path));
  }
}
