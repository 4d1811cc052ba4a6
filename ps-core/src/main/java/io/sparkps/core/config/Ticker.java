package io.sparkps.core.config;

/**
 * A source of monotonic time in nanoseconds, injected wherever behaviour depends on time
 * (heartbeat timeouts, clock waits) so tests move time by hand instead of sleeping.
 * Thread-safe: implementations must tolerate concurrent reads.
 */
@FunctionalInterface
public interface Ticker {

  /** Monotonic nanoseconds; only differences are meaningful. */
  long read();

  /**
   * Wall-clock milliseconds since the epoch, for timestamps people read (a checkpoint's creation
   * time), never for timeouts. A fake ticker overrides it when a test needs a fixed value.
   */
  default long wallMillis() {
    return System.currentTimeMillis();
  }

  /** The one place production code reads the system's monotonic clock ({@link #wallMillis} the wall clock). */
  static Ticker systemTicker() {
    return System::nanoTime;
  }
}
