package io.sparkps.ml.streaming;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model that follows training: a snapshot of the servers' weights taken when it is created and
 * again every {@code refresh} on a background thread (none while the trainer has seen no rows).
 * Scoring uses {@link #current()}, which never waits for a refresh or for training; a failed
 * refresh keeps the previous snapshot and is logged.
 * Score a stream with it inside {@code foreachBatch}: {@code live.current().transform(batch)}.
 * Thread-safe; close it to stop refreshing.
 *
 * @param <M> the model type
 */
public final class LiveModel<M> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveModel.class);

  private record Snapshot<M>(M model, Instant takenAt) {}

  private final Supplier<Optional<M>> source;
  private final String name;
  private final ScheduledExecutorService refresher;
  private volatile Snapshot<M> latest;

  LiveModel(Supplier<Optional<M>> source, Duration refresh, String name) {
    Objects.requireNonNull(refresh, "refresh");
    if (refresh.isNegative() || refresh.isZero()) {
      throw new IllegalArgumentException("refresh interval must be positive: refresh=" + refresh);
    }
    this.source = source;
    this.name = name;
    this.latest = source.get().map(m -> new Snapshot<>(m, Instant.now())).orElse(null);
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "spark-ps-live-model-" + name);
      t.setDaemon(true);
      return t;
    });
    long ms = refresh.toMillis();
    refresher.scheduleWithFixedDelay(this::refreshInBackground, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * The newest snapshot.
   *
   * @throws IllegalStateException before the first snapshot (the trainer had seen no rows yet)
   */
  public M current() {
    return snapshot().model();
  }

  /** Whether a snapshot exists ({@link #current()} would return one). */
  public boolean ready() {
    return latest != null;
  }

  /** When the newest snapshot was taken. */
  public Instant takenAt() {
    return snapshot().takenAt();
  }

  /** Takes a snapshot now (on the caller's thread) and makes it current; throws as {@link #current()} if none can be taken yet. */
  public M refresh() {
    Optional<M> m = source.get();
    m.ifPresent(model -> latest = new Snapshot<>(model, Instant.now()));
    return current();
  }

  private Snapshot<M> snapshot() {
    Snapshot<M> s = latest;
    if (s == null) {
      throw new IllegalStateException("live model " + name + " has no snapshot yet: its trainer has not trained a "
          + "micro-batch with rows (or the refreshes since failed: see the log); check ready() first");
    }
    return s;
  }

  /** The timer's refresh: a failure (servers being recovered, say) keeps the previous snapshot, logged once. */
  private void refreshInBackground() {
    try {
      source.get().ifPresent(model -> latest = new Snapshot<>(model, Instant.now()));
    } catch (RuntimeException e) {
      Snapshot<M> kept = latest;
      LOG.warn("Refreshing the live model {} failed, keeping {}: {}", name,
          kept == null ? "no snapshot" : "the snapshot of " + kept.takenAt(), e.toString());
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
