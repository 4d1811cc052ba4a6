package io.sparkps.core.protocol;

/** The protocol version byte every frame carries. Constants only. */
public final class ProtocolVersion {

  /** The only version this code speaks. Bump it on any incompatible wire change. */
  public static final byte CURRENT = 1;

  private ProtocolVersion() {}
}
