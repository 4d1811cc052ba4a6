/**
 * The scheduler: {@link io.sparkps.core.scheduler.PsScheduler} keeps the server registry and
 * declares servers dead on missed heartbeats (by an injected {@link io.sparkps.core.config.Ticker}),
 * owns the table catalogue and the versioned routing table it pushes to subscribed clients, and
 * runs named barriers.
 *
 * <p>Threading: requests arrive on I/O threads; all state sits behind one lock held briefly and
 * never across I/O. Waiting (table creation, barriers) is done by answering the request later,
 * never by blocking a thread.
 */
package io.sparkps.core.scheduler;
