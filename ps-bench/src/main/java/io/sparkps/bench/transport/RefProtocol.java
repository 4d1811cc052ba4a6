package io.sparkps.bench.transport;

/**
 * The reference server's wire format: little-endian, one request in flight per connection.
 *
 * <pre>
 * request:  [int32 bytes after this field][byte op][byte table][int32 n][payload]
 *   PULL dense:  n = 0, no payload                 -> response: the row's floats
 *   PUSH dense:  n = floats, payload floats        -> response: empty
 *   PULL sparse: n = keys, payload n longs         -> response: n x dim floats
 *   PUSH sparse: n = keys, payload n longs, then n x dim floats -> response: empty
 * response: [int32 bytes after this field][byte status][payload]
 * </pre>
 *
 * Constants only; stateless.
 */
final class RefProtocol {

  static final byte OP_PULL = 1;
  static final byte OP_PUSH = 2;

  static final byte STATUS_OK = 0;
  static final byte STATUS_ERROR = 1;

  /** Bytes of a request header after the length field: op, table, n. */
  static final int REQUEST_HEADER = 1 + 1 + 4;
  /** Bytes of a response header after the length field: status. */
  static final int RESPONSE_HEADER = 1;

  /** adagrad(lr=0.05, eps=1e-8) on both systems. */
  static final double ADAGRAD_LR = 0.05;
  static final double ADAGRAD_EPS = 1e-8;

  private RefProtocol() {}
}
