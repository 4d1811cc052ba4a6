package io.sparkps.ml.streaming;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model that follows training: a snapshot of the servers' weights taken when it is created and
 * again every {@code refresh} on a background thread. Scoring uses {@link #current()}, which never
 * waits for a refresh or for training; a failed refresh keeps the previous snapshot and is logged.
 * Score a stream with it inside {@code foreachBatch}: {@code live.current().transform(batch)}.
 * Thread-safe; close it to stop refreshing.
 *
 * @param <M> the model type
 */
public final class LiveModel<M> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveModel.class);

  private record Snapshot<M>(M model, Instant takenAt) {}

  private final Supplier<M> source;
  private final String name;
  private final ScheduledExecutorService refresher;
  private volatile Snapshot<M> latest;

  LiveModel(Supplier<M> source, Duration refresh, String name) {
    Objects.requireNonNull(refresh, "refresh");
    if (refresh.isNegative() || refresh.isZero()) {
      throw new IllegalArgumentException("refresh interval must be positive: refresh=" + refresh);
    }
    this.source = source;
    this.name = name;
    this.latest = new Snapshot<>(source.get(), Instant.now());
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "spark-ps-live-model-" + name);
      t.setDaemon(true);
      return t;
    });
    long ms = refresh.toMillis();
    refresher.scheduleWithFixedDelay(this::refreshInBackground, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The newest snapshot. */
  public M current() {
    return latest.model();
  }

  /** When the newest snapshot was taken. */
  public Instant takenAt() {
    return latest.takenAt();
  }

  /** Takes a snapshot now (on the caller's thread) and makes it current. */
  public M refresh() {
    M m = source.get();
    latest = new Snapshot<>(m, Instant.now());
    return m;
  }

  /** The timer's refresh: a failure (servers being recovered, say) keeps the previous snapshot, logged once. */
  private void refreshInBackground() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warn("Refreshing the live model {} failed, keeping the snapshot of {}: {}", name, latest.takenAt(),
          e.toString());
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
