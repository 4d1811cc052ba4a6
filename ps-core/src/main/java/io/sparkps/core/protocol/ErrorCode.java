package io.sparkps.core.protocol;

/**
 * Why a request failed, as carried by an error response. The numeric codes are part of the
 * wire format: never renumber, only append.
 */
public enum ErrorCode {
  /** A failure the server did not classify; the server log has the stack trace. */
  INTERNAL(1, "internal server error"),
  /** An argument is invalid (lengths disagree, keys unsorted, value out of range...). */
  INVALID_ARGUMENT(2, "invalid argument"),
  /** No table with that id or name; create it first, or refresh the routing table. */
  UNKNOWN_TABLE(3, "unknown table"),
  /** The number of values does not match keys x row width. */
  WRONG_DIMENSION(4, "wrong dimension"),
  /** A dense-table key outside [0, rows) or outside the addressed shard's range. */
  KEY_OUT_OF_RANGE(5, "key out of range"),
  /** A table with that name already exists. */
  DUPLICATE_TABLE(6, "duplicate table"),
  /** The updater named in a table spec is not built in and not on the server's classpath. */
  UNKNOWN_UPDATER(7, "unknown updater"),
  /** A frame that could not be decoded. */
  MALFORMED_FRAME(8, "malformed frame"),
  /** The peer speaks another protocol version. */
  UNSUPPORTED_VERSION(9, "unsupported protocol version"),
  /** A frame above the configured maximum size. */
  FRAME_TOO_LARGE(10, "frame too large"),
  /** The peer did not prove knowledge of the shared secret. */
  UNAUTHENTICATED(11, "unauthenticated"),
  /** This server does not host the addressed shard: the routing table the client used is stale. */
  WRONG_OWNER(12, "wrong shard owner"),
  /** The server owning the shard is dead. */
  SERVER_DEAD(13, "server dead"),
  /** The operation does not apply to this kind of table (e.g. remove on a dense table). */
  UNSUPPORTED_OPERATION(14, "unsupported operation"),
  /** The request or wait did not finish before its deadline. */
  TIMEOUT(15, "timeout"),
  /** A message type this peer does not accept in this role or state. */
  UNEXPECTED_MESSAGE(16, "unexpected message"),
  /** The component is shutting down. */
  SHUTTING_DOWN(17, "shutting down"),
  /** The training run failed (a worker died, timed out, or the run was aborted); re-register to resume. */
  RUN_FAILED(18, "training run failed"),
  /** Writing or reading a checkpoint failed (file system error, corrupt or missing file). */
  CHECKPOINT_FAILED(19, "checkpoint failed"),
  /** The response would exceed maxFrameBytes: ask for fewer rows or keys per request. */
  RESPONSE_TOO_LARGE(20, "response too large"),
  /**
   * The server cannot take this now or at all: a shard larger than it may hold, or its shard
   * lane's queue is full (retry later, or spread the load over more servers).
   */
  RESOURCE_EXHAUSTED(21, "resource exhausted"),
  /** The peer is authenticated but its role may not send this message (e.g. a worker's CREATE_SHARD). */
  UNAUTHORIZED(22, "unauthorized"),
  /**
   * A tagged push arrived while an earlier push of the same (run, worker) to that shard was
   * refused and not yet replayed: applying it would move the exactly-once mark past the refused
   * one and drop its replay, so it is refused too and nothing is applied. Replay the pushes from
   * the refused one on, in order (a retried task does).
   */
  PUSH_OUT_OF_ORDER(23, "push after a refused push");

  private static final ErrorCode[] BY_CODE;

  static {
    int max = 0;
    for (ErrorCode c : values()) {
      max = Math.max(max, c.code);
    }
    BY_CODE = new ErrorCode[max + 1];
    for (ErrorCode c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;
  private final String description;

  ErrorCode(int code, String description) {
    this.code = code;
    this.description = description;
  }

  public int code() {
    return code;
  }

  public String description() {
    return description;
  }

  /** The code for a wire value; unknown values (a newer peer) map to {@link #INTERNAL}. */
  public static ErrorCode fromCode(int code) {
    return code > 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : INTERNAL;
  }
}
