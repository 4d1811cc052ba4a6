package io.sparkps.ml.streaming;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.ml.SparseExample;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    try (OutputStream raw = files.create(tmp);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, BUFFER))) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(rows.size());
      for (SparseExample r : rows) {
        out.writeDouble(r.label());
        out.writeDouble(r.weight());
        out.writeInt(r.indices().length);
        for (long k : r.indices()) {
          out.writeLong(k);
        }
        for (float v : r.values()) {
          out.writeFloat(v);
        }
      }
    }
    // A retried task writes the same rows again: the earlier attempt's file gives way.
    if (files.exists(path)) {
      files.deleteRecursively(path);
    }
    files.rename(tmp, path);
  }

  /** How many rows the file at {@code path} holds (its header only). */
  static int rows(CheckpointFiles files, String path) throws IOException {
    try (DataInputStream in = new DataInputStream(files.open(path))) {
      header(in, path);
      return in.readInt();
    } catch (EOFException e) {
      throw new IOException("stream log file " + path + " ends early (truncated)", e);
    }
  }

  private static void header(DataInputStream in, String path) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a spark-ps stream log file: " + path);
    }
    int format = in.readInt();
    if (format != FORMAT) {
      throw new IOException("stream log file " + path + " has format " + format + "; this version reads " + FORMAT);
    }
  }

  /** The rows {@link #write} wrote to {@code path}; a file that is not one fails with the path named. */
  static List<SparseExample> read(CheckpointFiles files, String path) throws IOException {
    try (InputStream raw = files.open(path);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, BUFFER))) {
      header(in, path);
      int n = in.readInt();
      if (n < 0) {
        throw new IOException("stream log file " + path + " is corrupt: row count " + n);
      }
      List<SparseExample> rows = new ArrayList<>(Math.min(n, 1 << 20));
      for (int i = 0; i < n; i++) {
        double label = in.readDouble();
        double weight = in.readDouble();
        int nnz = in.readInt();
        if (nnz < 0 || nnz > 1 << 28) {
          throw new IOException("stream log file " + path + " is corrupt: row " + i + " has " + nnz + " features");
        }
        long[] idx = new long[nnz];
        float[] val = new float[nnz];
        for (int j = 0; j < nnz; j++) {
          idx[j] = in.readLong();
        }
        for (int j = 0; j < nnz; j++) {
          val[j] = in.readFloat();
        }
        rows.add(new SparseExample(label, idx, val, weight));
      }
      return rows;
    } catch (EOFException e) {
      throw new IOException("stream log file " + path + " ends early (truncated)", e);
    }
  }
}
