package io.sparkps.core.server;

import io.sparkps.core.config.Ticker;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs expected rejections (a full lane, a shard too large, a response too large) at most once
 * per interval per cause, with how many were suppressed since: a peer must not control the log
 * volume. Thread-safe.
 */
final class RejectionLog {

  private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Ticker ticker;
  /** Per cause: when it was last logged, and how often it happened since. */
  private final ConcurrentHashMap<String, long[]> causes = new ConcurrentHashMap<>();

  RejectionLog(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Logs {@code format} (SLF4J style) at WARN unless {@code cause} was logged within the interval. */
  void log(String cause, String format, Object... args) {
    long now = ticker.read();
    long suppressed;
    long[] state = causes.computeIfAbsent(cause, c -> new long[] {now - INTERVAL_NANOS, 0});
    synchronized (state) {
      if (now - state[0] < INTERVAL_NANOS) {
        state[1]++;
        return;
      }
      state[0] = now;
      suppressed = state[1];
      state[1] = 0;
    }
    if (LOG.isWarnEnabled()) {
      String more = suppressed > 0 ? " (" + suppressed + " more like it in the last " + TimeUnit.NANOSECONDS.toSeconds(
          INTERVAL_NANOS) + " s)" : "";
      LOG.warn(format + more, args);
    }
  }
}
