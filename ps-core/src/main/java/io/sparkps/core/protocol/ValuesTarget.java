package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Where the rows of a {@link MessageType#VALUES} reply go when they are read straight from the
 * frame into the caller's array instead of into a new {@code float[]} ({@link DirectReplies}):
 * row {@code i} of the reply ({@code dim} floats) lands at
 * {@code offset + (positions == null ? i : positions[i]) * dim}. Saves the reply-sized allocation
 * and the copy that merged it into the result. Immutable; the array is the caller's and is
 * written only by {@link #read}.
 */
public final class ValuesTarget {

  private final float[] array;
  private final int offset;
  private final int[] positions;
  private final int rows;
  private final int dim;

  private ValuesTarget(float[] array, int offset, int[] positions, int rows, int dim) {
    this.array = Objects.requireNonNull(array, "array");
    this.offset = offset;
    this.positions = positions;
    this.rows = rows;
    this.dim = dim;
  }

  /**
   * Rows {@code 0..rows} go to consecutive places from {@code offset}.
   *
   * @throws IllegalArgumentException if they do not fit in {@code array}
   */
  public static ValuesTarget contiguous(float[] array, int offset, int rows, int dim) {
    Objects.requireNonNull(array, "array");
    long end = offset + (long) rows * dim;
    if (offset < 0 || rows < 0 || dim < 1 || end > array.length) {
      throw new IllegalArgumentException("values target out of bounds: offset=" + offset + ", rows=" + rows
          + " x dim=" + dim + " (must fit in array.length=" + array.length + ")");
    }
    return new ValuesTarget(array, offset, null, rows, dim);
  }

  /**
   * Row {@code i} goes to row {@code positions[i]} counted from {@code offset}. The caller
   * guarantees every position fits (they index its own key array); not copied.
   */
  public static ValuesTarget scattered(float[] array, int offset, int[] positions, int dim) {
    Objects.requireNonNull(positions, "positions");
    if (offset < 0 || dim < 1) {
      throw new IllegalArgumentException("bad values target: offset=" + offset + " (>= 0), dim=" + dim + " (>= 1)");
    }
    return new ValuesTarget(array, offset, positions, positions.length, dim);
  }

  /** Floats a well-formed reply holds: rows x dim. */
  public int expectedFloats() {
    return rows * dim;
  }

  /**
   * Reads a VALUES body (at its reader index: the float count, then the floats) into the array.
   * Checks first, writes after: a reply of the wrong size writes nothing. Does not take ownership
   * of {@code body}.
   *
   * @throws MalformedMessageException if the count is not rows x dim or the body is not exactly
   *     that long
   */
  public void read(ByteBuf body) {
    int count = Codec.readCount(body, 4, "VALUES values");
    int expected = expectedFloats();
    if (count != expected) {
      throw new MalformedMessageException("VALUES reply holds " + count + " floats, expected " + expected
          + " (" + rows + " rows x dim " + dim + " of the request)");
    }
    int bytes = count * 4;
    if (body.readableBytes() != bytes) {
      throw new MalformedMessageException("malformed VALUES body: trailing bytes=" + (body.readableBytes() - bytes)
          + " (expected 0)");
    }
    int index = body.readerIndex();
    FloatBuffer floats = body.nioBuffer(index, bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    if (positions == null) {
      floats.get(array, offset, count);
    } else if (dim == 1) {
      for (int i = 0; i < rows; i++) {
        array[offset + positions[i]] = floats.get(i);
      }
    } else {
      for (int i = 0; i < rows; i++) {
        floats.get(array, offset + positions[i] * dim, dim);
      }
    }
    body.readerIndex(index + bytes);
  }

  /** Writes float {@code index} of the reply (row {@code index / dim}) to its place. */
  void put(int index, float value) {
    int row = index / dim;
    array[offset + (positions == null ? row : positions[row]) * dim + index % dim] = value;
  }

  /**
   * Writes floats {@code [from, from + n)} of the reply, taken from {@code view} (its position
   * advances by {@code n}), to their places; a streamed reply's chunk ({@link ValuesStream}).
   */
  void put(int from, FloatBuffer view, int n) {
    if (positions == null) {
      view.get(array, offset + from, n);
      return;
    }
    int index = from;
    int end = from + n;
    while (index < end) {
      int row = index / dim;
      int col = index % dim;
      int len = Math.min(dim - col, end - index);
      view.get(array, offset + positions[row] * dim + col, len);
      index += len;
    }
  }

  @Override
  public String toString() {
    return "ValuesTarget{rows=" + rows + ", dim=" + dim + ", offset=" + offset
        + (positions == null ? ", contiguous" : ", scattered") + "}";
  }
}
