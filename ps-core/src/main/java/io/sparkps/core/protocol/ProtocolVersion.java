package io.sparkps.core.protocol;

/** The protocol version byte every frame carries. Constants only. */
public final class ProtocolVersion {

  /**
   * The only version this code speaks. Bump it on any incompatible wire change. 2: the mutual,
   * channel-bound handshake (AUTH_RESPONSE and AUTH_OK carry roles, nonces and MACs).
   */
  public static final byte CURRENT = 2;

  private ProtocolVersion() {}
}
