package io.sparkps.ml.streaming;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.ml.SparseExample;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One worker's rows of one micro-batch in the stream's log, as a file: a header (magic, format,
 * row count) and per row its label, weight, feature count, indices and values. Written to a
 * temporary name, made durable, then renamed into place, so a file under its final name is whole.
 * Read back only to replay a committed micro-batch after a restart. Stateless.
 */
final class ExampleFiles {

  private static final int MAGIC = 0x50535741; // "PSWA"
  private static final int FORMAT = 1;
  private static final int BUFFER = 1 << 16;

  private ExampleFiles() {}

  /** Writes {@code rows} to {@code path} whole or not at all; {@code attempt} names the temporary file. */
  static void write(CheckpointFiles files, String path, List<SparseExample> rows, String attempt) throws IOException {
    String tmp = path + ".tmp-" + attempt;
    try (OutputStream out = files.create(tmp)) {
      // Bulk puts into one buffer flushed when full: a DataOutputStream's call per value cost about
      // as much as training the rows.
      ByteBuffer buf = ByteBuffer.allocate(BUFFER);
      buf.putInt(MAGIC).putInt(FORMAT).putInt(rows.size());
      for (SparseExample r : rows) {
        int nnz = r.indices().length;
        buf = room(out, buf, 20);
        buf.putDouble(r.label()).putDouble(r.weight()).putInt(nnz);
        for (int j = 0; j < nnz; ) {
          buf = room(out, buf, 8);
          int n = Math.min(nnz - j, buf.remaining() / 8);
          buf.asLongBuffer().put(r.indices(), j, n);
          buf.position(buf.position() + n * 8);
          j += n;
        }
        for (int j = 0; j < nnz; ) {
          buf = room(out, buf, 4);
          int n = Math.min(nnz - j, buf.remaining() / 4);
          buf.asFloatBuffer().put(r.values(), j, n);
          buf.position(buf.position() + n * 4);
          j += n;
        }
      }
      out.write(buf.array(), 0, buf.position());
    }
    // A retried task writes the same rows again: the earlier attempt's file gives way.
    if (files.exists(path)) {
      files.deleteRecursively(path);
    }
    files.rename(tmp, path);
  }

  /** {@code buf} with at least {@code bytes} free, written out first if it had fewer. */
  private static ByteBuffer room(OutputStream out, ByteBuffer buf, int bytes) throws IOException {
    if (buf.remaining() < bytes) {
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }
    return buf;
  }

  /** How many rows the file at {@code path} holds (its header only). */
  static int rows(CheckpointFiles files, String path) throws IOException {
    try (InputStream in = files.open(path)) {
      byte[] head = in.readNBytes(12);
      if (head.length < 12) {
        throw new IOException("stream log file " + path + " ends early (truncated)");
      }
      return rowCount(ByteBuffer.wrap(head), path);
    }
  }

  /** Checks the header at the buffer's start and returns its row count. */
  private static int rowCount(ByteBuffer buf, String path) throws IOException {
    if (buf.getInt() != MAGIC) {
      throw new IOException("not a spark-ps stream log file: " + path);
    }
    int format = buf.getInt();
    if (format != FORMAT) {
      throw new IOException("stream log file " + path + " has format " + format + "; this version reads " + FORMAT);
    }
    int n = buf.getInt();
    if (n < 0) {
      throw new IOException("stream log file " + path + " is corrupt: row count " + n);
    }
    return n;
  }

  /** The rows {@link #write} wrote to {@code path}; a file that is not one fails with the path named. */
  static List<SparseExample> read(CheckpointFiles files, String path) throws IOException {
    byte[] bytes;
    try (InputStream in = files.open(path)) {
      bytes = in.readAllBytes();  // one worker's part of one micro-batch: its rows were in memory too
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      int n = rowCount(buf, path);
      List<SparseExample> rows = new ArrayList<>(Math.min(n, bytes.length / 20 + 1));
      for (int i = 0; i < n; i++) {
        double label = buf.getDouble();
        double weight = buf.getDouble();
        int nnz = buf.getInt();
        if (nnz < 0 || (long) nnz * 12 > buf.remaining()) {
          throw new IOException("stream log file " + path + " is corrupt: row " + i + " has " + nnz + " features and "
              + buf.remaining() + " bytes are left");
        }
        long[] idx = new long[nnz];
        float[] val = new float[nnz];
        buf.asLongBuffer().get(idx);
        buf.position(buf.position() + nnz * 8);
        buf.asFloatBuffer().get(val);
        buf.position(buf.position() + nnz * 4);
        rows.add(new SparseExample(label, idx, val, weight));
      }
      return rows;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IOException("stream log file " + path + " ends early (truncated)", e);
    }
  }
}
