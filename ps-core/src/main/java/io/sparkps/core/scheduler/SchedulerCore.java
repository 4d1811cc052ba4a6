package io.sparkps.core.scheduler;

import io.sparkps.core.clock.Effects;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.metrics.SchedulerMetrics;
import io.sparkps.core.partition.RoutingTable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the scheduler's rooms share: the one lock and the state it guards, the {@link Outbox}
 * every reply and send goes through, the configuration and the time source (the ticker, never the
 * system clock). One holder, so that a room's constructor names only what is its own.
 *
 * @param closed set once by {@link PsScheduler#close()}: nothing new starts after it
 * @param metrics events counted as they happen (servers lost, checkpoints, recoveries)
 */
record SchedulerCore(Object lock, PsConfig config, Ticker ticker, Outbox outbox, ServerLinks links,
    TableCatalog tables, RoutingPublisher routing, TrainingRuns runs, Checkpointer checkpointer,
    AtomicBoolean closed, SchedulerMetrics metrics) {

  /** A fresh scheduler state: no servers, tables, runs or checkpoints yet. */
  static SchedulerCore create(PsConfig config, Ticker ticker) {
    Object lock = new Object();
    Outbox outbox = new Outbox(lock);
    return new SchedulerCore(lock, config, ticker, outbox, new ServerLinks(lock, config, outbox::check),
        new TableCatalog(), new RoutingPublisher(outbox::check), new TrainingRuns(), new Checkpointer(),
        new AtomicBoolean(), new SchedulerMetrics());
  }

  /** The servers, their connections and liveness ({@code links}' registry). Holds lock. */
  ServerRegistry servers() {
    return links.registry();
  }

  /** Publishes the servers and tables as the next routing version; {@code effects} sends it. Holds lock. */
  RoutingTable publish(Effects effects) {
    return routing.publish(servers().infos(), tables.routes(), effects);
  }
}
