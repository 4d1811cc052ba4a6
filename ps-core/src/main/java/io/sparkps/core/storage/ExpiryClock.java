package io.sparkps.core.storage;

import io.sparkps.core.config.FeatureLifecycle;
import io.sparkps.core.config.Ticker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The "now" a sparse store stamps its writes with and measures staleness against: the shard's
 * clock for {@code expireAfterClocks}, the injected {@link Ticker}'s nanoseconds for
 * {@code expireAfterWrite}. A row is stale once {@code now - stamp >= limit}.
 *
 * <p>The shard's clock is logical: it starts at 0 and moves forward by as many clocks as the
 * runs pushing to the shard move forward ({@link #observe}, from the clock in each tagged push's
 * id): a run's first push moves it by one, and a push whose clock is c above the highest clock of
 * its run seen so far moves it by c. A straggler's older clock moves nothing. So under BSP or
 * SSP the shard's clock follows the fastest worker, and successive runs (an epoch each, or a
 * restarted stream) keep moving it forward instead of starting over at 0.
 *
 * <p>NOT thread-safe: confined to its store's thread.
 */
final class ExpiryClock {

  /** Runs whose highest clock is remembered; older runs that push again count as new ones. */
  private static final int RUNS_KEPT = 64;

  private final boolean byClocks;
  /** Clocks, or nanoseconds. */
  private final long limit;
  private final Ticker ticker;
  private final Map<Long, Long> runClocks = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > RUNS_KEPT;
    }
  };
  private long clock;

  ExpiryClock(FeatureLifecycle lifecycle, Ticker ticker) {
    if (!lifecycle.expires()) {
      throw new IllegalArgumentException("no expiry configured: lifecycle=" + lifecycle);
    }
    this.byClocks = lifecycle.expireAfterClocks() > 0;
    this.limit = byClocks ? lifecycle.expireAfterClocks() : lifecycle.expireAfterMillis() * 1_000_000L;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** The current stamp: the shard's clock, or the ticker's nanoseconds. */
  long now() {
    return byClocks ? clock : ticker.read();
  }

  /** Whether a row stamped {@code stamp} is stale at {@code now}. */
  boolean stale(long stamp, long now) {
    return now - stamp >= limit;
  }

  /** A tagged push of {@code runId} at {@code runClock} arrived; moves the shard's clock (see class doc). */
  void observe(long runId, long runClock) {
    if (!byClocks) {
      return;
    }
    Long seen = runClocks.get(runId);
    if (seen == null) {
      clock++;
      runClocks.put(runId, runClock);
    } else if (runClock > seen) {
      clock += runClock - seen;
      runClocks.put(runId, runClock);
    }
  }

  /** The shard's logical clock (for tests and toString). */
  long clock() {
    return clock;
  }

  boolean byClocks() {
    return byClocks;
  }
}
