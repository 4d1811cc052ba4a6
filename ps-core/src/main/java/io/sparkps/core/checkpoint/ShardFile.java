package io.sparkps.core.checkpoint;

import io.sparkps.core.storage.ShardStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * One shard in a checkpoint: a header (table id, shard, dim, record width), the shard's
 * exactly-once push marks, then its rows in chunks (key, version, weights and optimizer state),
 * then the row count and a CRC32 of everything before it. A truncated or altered file fails to
 * read with an {@link IOException} naming the problem; it never loads half a shard silently.
 * Rows are little-endian floats written in bulk, so a checkpoint streams at disk speed.
 */
public final class ShardFile {

  private static final long MAGIC = 0x5350534b53485244L; // "SPSKSHRD"
  private static final int FORMAT = 1;
  private static final int CHUNK_ROWS = 4096;

  private ShardFile() {}

  /** What a shard file holds besides its rows. */
  public record Header(int tableId, int shard, int dim, int rowWidth, List<PushMark> marks) {}

  /**
   * Writes the store's rows and {@code marks} to {@code out} (closed on return). Must run where
   * nothing modifies the store meanwhile (its shard lane).
   *
   * @return the number of rows written
   */
  public static long write(OutputStream out, int tableId, int shard, ShardStore store, List<PushMark> marks)
      throws IOException {
    CRC32 crc = new CRC32();
    try (DataOutputStream data = new DataOutputStream(
        new CheckedOutputStream(new BufferedOutputStream(out, 1 << 16), crc))) {
      int width = store.rowWidth();
      data.writeLong(MAGIC);
      data.writeInt(FORMAT);
      data.writeInt(tableId);
      data.writeInt(shard);
      data.writeInt(store.dim());
      data.writeInt(width);
      data.writeInt(marks.size());
      for (PushMark m : marks) {
        data.writeLong(m.runId());
        data.writeInt(m.worker());
        data.writeLong(m.clock());
        data.writeLong(m.seq());
      }
      ChunkWriter chunks = new ChunkWriter(data, width);
      long cursor = 0;
      do {
        cursor = store.scanRecords(cursor, CHUNK_ROWS, chunks::add);
        chunks.flushIfFull();
      } while (cursor >= 0);
      chunks.flush();
      data.writeInt(0);  // end of rows
      data.writeLong(chunks.total);
      data.flush();
      data.writeLong(crc.getValue());
      return chunks.total;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Reads a shard file into {@code store} (which should be empty: rows already in it stay unless
   * the file overwrites them) and returns its header. The file must belong to a table with the
   * store's dim and record width.
   *
   * @throws IOException when the file is truncated, corrupt, of another format or another shape
   */
  public static Header read(InputStream in, ShardStore store, String source) throws IOException {
    CRC32 crc = new CRC32();
    try (DataInputStream data = new DataInputStream(
        new CheckedInputStream(new BufferedInputStream(in, 1 << 16), crc))) {
      if (data.readLong() != MAGIC) {
        throw new IOException("not a spark-ps shard file: " + source);
      }
      int format = data.readInt();
      if (format != FORMAT) {
        throw new IOException("shard file " + source + " has format " + format + "; this version reads "
            + FORMAT);
      }
      int tableId = data.readInt();
      int shard = data.readInt();
      int dim = data.readInt();
      int width = data.readInt();
      if (dim != store.dim() || width != store.rowWidth()) {
        throw new IOException("shard file " + source + " holds rows of dim " + dim + " and width " + width
            + "; the table has dim " + store.dim() + " and width " + store.rowWidth()
            + " (was the table created with another dim or updater?)");
      }
      int markCount = data.readInt();
      if (markCount < 0) {
        throw new IOException("shard file " + source + " is corrupt: " + markCount + " push marks");
      }
      List<PushMark> marks = new ArrayList<>(Math.min(markCount, 1 << 16));
      for (int i = 0; i < markCount; i++) {
        marks.add(new PushMark(data.readLong(), data.readInt(), data.readLong(), data.readLong()));
      }
      long rows = readRows(data, store, width, source);
      long declared = data.readLong();
      long expectedCrc = crc.getValue();
      long storedCrc = data.readLong();
      if (declared != rows || storedCrc != expectedCrc) {
        throw new IOException("shard file " + source + " is corrupt: " + (declared != rows
            ? "declares " + declared + " rows, holds " + rows : "checksum mismatch"));
      }
      return new Header(tableId, shard, dim, width, marks);
    } catch (EOFException e) {
      throw new IOException("shard file " + source + " is truncated (an unfinished checkpoint?)", e);
    }
  }

  private static long readRows(DataInputStream data, ShardStore store, int width, String source)
      throws IOException {
    int recordBytes = 16 + 4 * width;
    byte[] bytes = new byte[0];
    float[] record = new float[width];
    long total = 0;
    for (int n = data.readInt(); n != 0; n = data.readInt()) {
      if (n < 0 || n > CHUNK_ROWS) {
        throw new IOException("shard file " + source + " is corrupt: chunk of " + n + " rows");
      }
      if (bytes.length < n * recordBytes) {
        bytes = new byte[n * recordBytes];
      }
      data.readFully(bytes, 0, n * recordBytes);
      ByteBuffer buf = ByteBuffer.wrap(bytes, 0, n * recordBytes).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        long key = buf.getLong();
        long version = buf.getLong();
        buf.asFloatBuffer().get(record);
        buf.position(buf.position() + 4 * width);
        store.load(key, version, record, 0);
      }
      total += n;
    }
    return total;
  }

  /** Buffers records into little-endian chunks of up to CHUNK_ROWS rows. */
  private static final class ChunkWriter {
    private final DataOutputStream out;
    private final int width;
    private final ByteBuffer buf;
    private int rows;
    long total;

    ChunkWriter(DataOutputStream out, int width) {
      this.out = out;
      this.width = width;
      this.buf = ByteBuffer.allocate(CHUNK_ROWS * (16 + 4 * width)).order(ByteOrder.LITTLE_ENDIAN);
    }

    void add(long key, long version, float[] src, int off) {
      if (rows == CHUNK_ROWS) {
        flush();
      }
      buf.putLong(key);
      buf.putLong(version);
      buf.asFloatBuffer().put(src, off, width);
      buf.position(buf.position() + 4 * width);
      rows++;
    }

    void flushIfFull() {
      if (rows == CHUNK_ROWS) {
        flush();
      }
    }

    void flush() {
      if (rows == 0) {
        return;
      }
      // The store's scan callback cannot throw checked exceptions: carry it out unchecked.
      try {
        out.writeInt(rows);
        out.write(buf.array(), 0, buf.position());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      total += rows;
      rows = 0;
      buf.clear();
    }
  }
}
