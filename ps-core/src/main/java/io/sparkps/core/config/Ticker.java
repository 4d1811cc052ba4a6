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

  /** The one place production code reads the system's monotonic clock. */
  static Ticker systemTicker() {
    return System::nanoTime;
  }
}
