package io.sparkps.core.transport;

import io.sparkps.core.config.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts events and writes at most one WARN line per interval about them, naming how many were
 * left out since the last line: strangers must not control a server's log volume. Thread-safe.
 */
final class RateLimitedLog {

  private final Logger log;
  private final Ticker ticker;
  private final long intervalNanos;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  /** Ticker time of the last line; Long.MIN_VALUE before the first. */
  private final AtomicLong lastLineNanos = new AtomicLong(Long.MIN_VALUE);

  RateLimitedLog(Logger log, Ticker ticker, Duration interval) {
    this.log = log;
    this.ticker = ticker;
    this.intervalNanos = interval.toNanos();
  }

  /** Counts one event; writes {@code "message (N similar left out)"} unless a line was written within the interval. */
  void warn(String message) {
    events.incrementAndGet();
    long now = ticker.read();
    long last = lastLineNanos.get();
    if ((last != Long.MIN_VALUE && now - last < intervalNanos) || !lastLineNanos.compareAndSet(last, now)) {
      suppressed.incrementAndGet();
      return;
    }
    long leftOut = suppressed.getAndSet(0);
    lines.incrementAndGet();
    log.warn("{}{}", message, leftOut == 0 ? "" : " (" + leftOut + " similar left out in the last "
        + Duration.ofNanos(now - last) + ")");
  }

  /** Events counted so far. */
  long events() {
    return events.get();
  }

  /** Lines written so far. */
  long lines() {
    return lines.get();
  }
}
