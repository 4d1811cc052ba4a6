package io.sparkps.core.metrics;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.PushMessage;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one parameter server has done since it started: data requests by kind, the keys and value
 * bytes they moved, how long each took from arrival to reply (queueing on the shard's lane
 * included), and the errors it answered, by code. Counters only grow; rates are the sinks' work.
 * Thread-safe and lock-free; recording allocates nothing.
 */
public final class ServerMetrics {

  private static final ErrorCode[] CODES = ErrorCode.values();
  /**
   * Whether servers record: yes unless the JVM runs with {@code -Dsparkps.metrics.record=false},
   * which exists to measure what recording costs (metrics on vs off on the transport benchmark,
   * docs/monitoring.md). A static final, so the JIT folds the check away.
   */
  private static final boolean RECORD = !"false".equals(System.getProperty("sparkps.metrics.record"));

  private final LongAdder pulls = new LongAdder();
  private final LongAdder pushes = new LongAdder();
  private final LongAdder otherRequests = new LongAdder();
  private final LongAdder keysPulled = new LongAdder();
  private final LongAdder keysPushed = new LongAdder();
  private final LongAdder bytesPulled = new LongAdder();
  private final LongAdder bytesPushed = new LongAdder();
  private final LongAdder[] errors = new LongAdder[CODES.length];
  private final LatencyHistogram latency = new LatencyHistogram();
  private final LongAdder rowsEvicted = new LongAdder();
  private final LongAdder keysAdmitted = new LongAdder();
  private final LongAdder keysDeferred = new LongAdder();

  public ServerMetrics() {
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new LongAdder();
    }
  }

  /**
   * Counts a data request that was answered successfully after {@code nanos}: a pull (by keys or
   * range), a push (a push that returns values also counts its values as pulled) or another
   * request (contains, size, scan, cas, ...); {@code dim} is its table's row width in floats.
   */
  public void request(Message request, int dim, long nanos) {
    if (!RECORD) {
      return;
    }
    latency.record(nanos);
    if (request instanceof PullMessage m) {
      pulled(m.keys().length, dim);
    } else if (request instanceof PullRangeMessage m) {
      pulled(m.end() - m.start(), dim);
    } else if (request instanceof PushMessage m) {
      pushes.increment();
      long keys = m.keys().length;
      keysPushed.add(keys);
      bytesPushed.add(4L * m.values().length);
      if (m.returnValues()) {
        keysPulled.add(keys);
        bytesPulled.add(4L * m.values().length);
      }
    } else {
      otherRequests.increment();
    }
  }

  private void pulled(long keys, int dim) {
    pulls.increment();
    keysPulled.add(keys);
    bytesPulled.add(4L * keys * dim);
  }

  /** Counts a request answered with an error. */
  public void error(ErrorCode code) {
    if (!RECORD) {
      return;
    }
    errors[code.ordinal()].increment();
  }

  /** Rows of sparse tables removed because they expired (see {@code FeatureLifecycle}). */
  public void rowsEvicted(long rows) {
    rowsEvicted.add(rows);
  }

  /** Keys of sparse tables that reached their admission count and got a row. */
  public void keysAdmitted(long keys) {
    keysAdmitted.add(keys);
  }

  /** Pushed keys counted by an admission sketch and dropped because not yet admitted. */
  public void keysDeferred(long keys) {
    keysDeferred.add(keys);
  }

  /** Expired rows removed so far, over all tables. */
  public long rowsEvicted() {
    return rowsEvicted.sum();
  }

  /** Keys admitted so far, over all tables with admission. */
  public long keysAdmitted() {
    return keysAdmitted.sum();
  }

  /** Pushed keys dropped while awaiting admission so far. */
  public long keysDeferred() {
    return keysDeferred.sum();
  }

  /** Pull requests (by keys or by range) answered. */
  public long pulls() {
    return pulls.sum();
  }

  /** Push requests answered (pushes, assigns, push-and-pulls; replays included). */
  public long pushes() {
    return pushes.sum();
  }

  /** Other data requests answered (contains, remove, cas, size, clear, scan). */
  public long otherRequests() {
    return otherRequests.sum();
  }

  public long keysPulled() {
    return keysPulled.sum();
  }

  public long keysPushed() {
    return keysPushed.sum();
  }

  /** Value bytes sent back by pulls (4 per float; keys and framing not counted). */
  public long bytesPulled() {
    return bytesPulled.sum();
  }

  /** Value bytes received by pushes (4 per float; keys and framing not counted). */
  public long bytesPushed() {
    return bytesPushed.sum();
  }

  /** Requests answered with {@code code}. */
  public long errors(ErrorCode code) {
    return errors[code.ordinal()].sum();
  }

  /** Requests answered with any error. */
  public long errors() {
    long n = 0;
    for (LongAdder e : errors) {
      n += e.sum();
    }
    return n;
  }

  /** The codes answered at least once, with their counts, in code order. */
  public Map<ErrorCode, Long> errorsByCode() {
    Map<ErrorCode, Long> out = new EnumMap<>(ErrorCode.class);
    for (ErrorCode c : CODES) {
      long n = errors[c.ordinal()].sum();
      if (n > 0) {
        out.put(c, n);
      }
    }
    return out;
  }

  /** Time from a data request's arrival to its successful answer. */
  public LatencySnapshot latency() {
    return latency.snapshot();
  }

  @Override
  public String toString() {
    return "ServerMetrics[pulls=" + pulls() + ", pushes=" + pushes() + ", other=" + otherRequests() + ", keysPulled="
        + keysPulled() + ", keysPushed=" + keysPushed() + ", bytesPulled=" + bytesPulled() + ", bytesPushed="
        + bytesPushed() + ", rowsEvicted=" + rowsEvicted() + ", keysAdmitted=" + keysAdmitted() + ", keysDeferred="
        + keysDeferred() + ", errors=" + errorsByCode() + ", latency=" + latency() + "]";
  }
}
