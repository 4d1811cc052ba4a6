/**
 * The scheduler: {@link io.sparkps.core.scheduler.PsScheduler} keeps the server registry and
 * declares servers dead on missed heartbeats (by an injected {@link io.sparkps.core.config.Ticker}),
 * owns the table catalogue and the versioned routing table it pushes to subscribed clients, and
 * runs named barriers. It is a facade; each concern is a class of its own, sharing one
 * {@code SchedulerCore}: {@code ServerMembership}, {@code ServerLinks}, {@code TableLifecycle},
 * {@code TableCatalog}, {@code RoutingPublisher}, {@code ClockService} (training runs),
 * {@code CheckpointCoordinator}, {@code ShardRecovery}, {@code Barriers}.
 *
 * <p>Threading: requests arrive on I/O threads; all state sits behind one lock held briefly.
 * Under it only state changes and decisions are made: futures to complete and messages to send are
 * collected in an {@link io.sparkps.core.clock.Effects} and run after unlocking. Waiting (table
 * creation, barriers, clock gates) is done by answering the request later, never by blocking a
 * thread.
 */
package io.sparkps.core.scheduler;
