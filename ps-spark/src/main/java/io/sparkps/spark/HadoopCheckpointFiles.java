package io.sparkps.spark;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointFilesProvider;
import io.sparkps.core.checkpoint.DurableOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * Checkpoint files on any Hadoop-compatible file system (hdfs:, s3a:, abfs:, ...), with the
 * application's Hadoop configuration (spark.hadoop.* included) where a SparkEnv exists. Found by
 * ps-core through {@link java.util.ServiceLoader}; local paths never reach it.
 */
public final class HadoopCheckpointFiles implements CheckpointFilesProvider, CheckpointFiles {

  @Override
  public boolean supports(String path) {
    try {
      String scheme = URI.create(path).getScheme();
      return scheme != null && scheme.length() > 1;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public CheckpointFiles filesFor(String path) {
    return this;
  }

  private static FileSystem fs(Path p) throws IOException {
    SparkEnv env = SparkEnv.get();
    Configuration conf = env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
    return p.getFileSystem(conf);
  }

  @Override
  public OutputStream create(String path) throws IOException {
    Path p = new Path(path);
    FSDataOutputStream stream = fs(p).create(p, true);
    return new DurableOutputStream(stream) {
      // hsync where the stream supports it (HDFS), hflush otherwise; object stores persist on close.
      @Override
      protected void sync() throws IOException {
        if (stream.hasCapability(StreamCapabilities.HSYNC)) {
          stream.hsync();
        } else if (stream.hasCapability(StreamCapabilities.HFLUSH)) {
          stream.hflush();
        }
      }
    };
  }

  @Override
  public InputStream open(String path) throws IOException {
    Path p = new Path(path);
    return fs(p).open(p);
  }

  @Override
  public boolean exists(String path) throws IOException {
    Path p = new Path(path);
    return fs(p).exists(p);
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Path src = new Path(from);
    Path dst = new Path(to);
    if (!fs(src).rename(src, dst)) {
      throw new IOException("could not rename " + from + " to " + to + " (does the target exist?)");
    }
  }

  @Override
  public List<String> list(String dir) throws IOException {
    Path p = new Path(dir);
    List<String> names = new ArrayList<>();
    try {
      for (FileStatus s : fs(p).listStatus(p)) {
        names.add(s.getPath().getName());
      }
    } catch (FileNotFoundException e) {
      return List.of();  // no directory yet: no checkpoints yet
    }
    return names;
  }

  @Override
  public void deleteRecursively(String path) throws IOException {
    Path p = new Path(path);
    FileSystem fs = fs(p);
    // false means nothing was deleted: fine if the path is gone (as the contract allows), an
    // error if it is still there.
    if (!fs.delete(p, true) && fs.exists(p)) {
      throw new IOException("could not delete " + path + " (the file system refused; check permissions)");
    }
  }
}
