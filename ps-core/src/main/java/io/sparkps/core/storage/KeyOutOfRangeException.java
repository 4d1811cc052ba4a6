package io.sparkps.core.storage;

/**
 * A dense-table key, or key range, outside the rows a dense store holds. Its own type so that
 * servers answer {@code KEY_OUT_OF_RANGE} by what failed, not by the wording of a message.
 * Immutable.
 */
public final class KeyOutOfRangeException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** {@code key} is outside {@code [start, end)}. */
  public KeyOutOfRangeException(long key, long start, long end) {
    super("key out of range: key=" + key + " ([" + start + ", " + end + "))");
  }

  /** The range {@code [from, to)} is not inside {@code [start, end)} (or is reversed). */
  public KeyOutOfRangeException(long from, long to, long start, long end) {
    super("key out of range: start=" + from + ", end=" + to + " ([" + start + ", " + end + "))");
  }
}
