package io.sparkps.core.server;

import io.sparkps.core.protocol.CasMessage;
import io.sparkps.core.protocol.ContainsMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.RemoveMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.SizeMessage;

/**
 * How large a data request's reply can be, computed from the request and the shard's row width
 * in overflow-safe arithmetic, before anything is allocated: the transport holds that many bytes
 * from admission until the reply is written, and {@link ShardOperations} refuses a request whose
 * reply would not fit a frame. Stateless apart from the frame limit; thread-safe.
 */
final class RequestSizes {

  /** Bytes a response needs beside its payload: header and array counts. */
  static final int RESPONSE_OVERHEAD = 64;

  private final int maxFrameBytes;
  private final RejectionLog rejections;

  RequestSizes(int maxFrameBytes, RejectionLog rejections) {
    this.maxFrameBytes = maxFrameBytes;
    this.rejections = rejections;
  }

  /**
   * An upper bound of the reply's payload bytes for {@code request} on {@code shard};
   * {@code Long.MAX_VALUE} when the request names more than a long can count. Never throws.
   */
  static long replyPayloadBytes(HostedShard shard, Message request) {
    long rowBytes = 4L * shard.spec().dim();
    if (request instanceof PullMessage m) {
      return times(m.keys().length, rowBytes);
    }
    if (request instanceof PullRangeMessage m) {
      return m.end() > m.start() ? times(rowsBetween(m.start(), m.end()), rowBytes) : 0;
    }
    if (request instanceof PushMessage m) {
      return m.returnValues() ? times(m.keys().length, rowBytes) : 0;
    }
    if (request instanceof ContainsMessage m) {
      return m.keys().length;
    }
    if (request instanceof CasMessage) {
      return 16 + rowBytes;
    }
    if (request instanceof ScanMessage m) {
      return times(Math.max(0, m.maxRows()), 8 + rowBytes);
    }
    return 0;
  }

  /**
   * Requests whose work (see {@link #workBytes}) is at most this many bytes may run inline on the
   * I/O thread that decoded them when their shard's lane is idle: 10-20 microseconds of work (240
   * one-float keys, 128 keys of 16 floats), about what handing the request to the lane's thread
   * costs, and short enough not to hold up the other connections of that event loop. A single-key pull runs inline; a 640 KB sparse pull, a 4 MiB
   * dense one, or a training batch's push of thousands of keys goes to its lane.
   */
  static final long INLINE_MAX_WORK_BYTES = 16 * 1024;

  /**
   * What finding one key's row costs, counted as bytes of copying: a hash probe that usually
   * misses the cache. Without it a push of 9,000 one-float rows (36 KB of values, ~1 ms of
   * probing and updating) counted as small and ran inline; one client sends all its requests to a
   * server over one connection, so every shard's work then ran on that connection's I/O thread,
   * one shard after the other, while the shards' lanes sat idle (measured: a 2-core local-mode
   * fit had its whole server side on one thread).
   */
  static final long KEY_COST_BYTES = 64;

  /**
   * The work {@code request} does on {@code shard}, in bytes: the larger of its rows in and its
   * rows out, plus {@link #KEY_COST_BYTES} per key it looks up; {@code Long.MAX_VALUE} for
   * operations whose cost the request does not bound (clear resets every row of a dense shard) or
   * that are not data requests. Never throws.
   */
  static long workBytes(HostedShard shard, Message request) {
    long rowBytes = 4L * shard.spec().dim();
    if (request instanceof PushMessage m) {
      // in, and as much out when it returns values
      return times(m.keys().length, plus(rowBytes, KEY_COST_BYTES));
    }
    if (request instanceof PullMessage m) {
      return times(m.keys().length, plus(rowBytes, KEY_COST_BYTES));
    }
    if (request instanceof PullRangeMessage || request instanceof ScanMessage || request instanceof CasMessage) {
      return replyPayloadBytes(shard, request);
    }
    if (request instanceof ContainsMessage m) {
      return times(m.keys().length, KEY_COST_BYTES);
    }
    if (request instanceof RemoveMessage m) {
      return times(m.keys().length, KEY_COST_BYTES);
    }
    if (request instanceof SizeMessage) {
      return 0;
    }
    return Long.MAX_VALUE;
  }

  /** The reply's frame bytes, payload and overhead, saturating at Long.MAX_VALUE. */
  static long replyBytes(HostedShard shard, Message request) {
    long payload = replyPayloadBytes(shard, request);
    return payload > Long.MAX_VALUE - RESPONSE_OVERHEAD ? Long.MAX_VALUE : payload + RESPONSE_OVERHEAD;
  }

  /**
   * Refuses (RESPONSE_TOO_LARGE) a request whose reply would exceed maxFrameBytes; call it before
   * allocating the reply.
   */
  void checkReply(HostedShard shard, Message request) {
    long payload = replyPayloadBytes(shard, request);
    if (payload > maxFrameBytes - RESPONSE_OVERHEAD) {
      rejections.log("response-too-large", "refusing {} on {}: its response of {} bytes would exceed "
          + "maxFrameBytes={}", request.type(), shard.describe(), payload, maxFrameBytes);
      throw new PsRemoteException(ErrorCode.RESPONSE_TOO_LARGE, "response to " + request.type()
          + " would exceed the frame limit: bytes=" + (payload == Long.MAX_VALUE ? "more than 2^63" : payload)
          + " (maxFrameBytes=" + maxFrameBytes + "); request fewer keys or rows per call");
    }
  }

  /** {@code end - start}, or Long.MAX_VALUE when it overflows. */
  private static long rowsBetween(long start, long end) {
    try {
      return Math.subtractExact(end, start);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** {@code a + b} for non-negative terms, or Long.MAX_VALUE when it overflows. */
  private static long plus(long a, long b) {
    return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
  }

  /** {@code a * b} for non-negative factors, or Long.MAX_VALUE when it overflows. */
  static long times(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
