package io.sparkps.core.storage.chronicle;

import io.sparkps.core.storage.StoreArgs;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes and reads a {@link RowBuffer} as {@code [version int64][floats]}, copying the floats in
 * bulk and reading into the caller's buffer, so neither direction allocates. Chronicle stores the
 * marshaller's class in a persisted map's header and resolves it back to {@link #INSTANCE}, which
 * is why it must stay stateless and why {@link RowMaps} keeps its old class name on disk.
 * (Chronicle refuses Java enums as marshallers, hence the singleton field.) Thread-safe.
 */
final class RowMarshaller
    implements SizedReader<RowBuffer>, SizedWriter<RowBuffer>, EnumMarshallable<RowMarshaller> {

  static final RowMarshaller INSTANCE = new RowMarshaller();
  private static final int FLOAT_BASE = UnsafeMemory.UNSAFE.arrayBaseOffset(float[].class);

  private RowMarshaller() {}

  @Override
  public RowBuffer read(Bytes<?> in, long size, RowBuffer using) {
    long floats = (size - Long.BYTES) / Float.BYTES;
    if (size < Long.BYTES || (size - Long.BYTES) % Float.BYTES != 0 || floats > StoreArgs.MAX_ARRAY) {
      throw new IllegalStateException("stored row has a bad size: bytes=" + size + " (8 + 4 x floats)");
    }
    RowBuffer b = using != null && using.row.length == floats ? using : new RowBuffer((int) floats);
    b.version = in.readLong();
    in.unsafeReadObject(b.row, FLOAT_BASE, (int) floats * Float.BYTES);
    return b;
  }

  @Override
  public long size(RowBuffer b) {
    return Long.BYTES + (long) Float.BYTES * b.row.length;
  }

  @Override
  public void write(Bytes<?> out, long size, RowBuffer b) {
    out.writeLong(b.version);
    out.unsafeWriteObject(b.row, FLOAT_BASE, b.row.length * Float.BYTES);
  }

  @Override
  public RowMarshaller readResolve() {
    return INSTANCE;
  }
}
