package io.sparkps.core.protocol;

/**
 * How a push combines with stored rows: {@link #UPDATE} runs the table's updater,
 * {@link #ASSIGN} overwrites. The ordinal is the wire byte: never reorder, only append.
 */
public enum PushMode {
  UPDATE,
  ASSIGN;

  private static final PushMode[] VALUES = values();

  /** The mode for a wire byte; throws {@link MalformedMessageException} for unknown values. */
  public static PushMode fromByte(byte b) {
    if (b < 0 || b >= VALUES.length) {
      throw new MalformedMessageException(
          "unknown push mode: mode=" + b + " ([0, " + (VALUES.length - 1) + "])");
    }
    return VALUES[b];
  }
}
