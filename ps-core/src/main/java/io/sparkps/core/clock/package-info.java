/**
 * Bounded-delay consistency (ps-lite's sequential / bounded-delay / eventual models, Paracel's
 * SSP): {@link io.sparkps.core.clock.Consistency} names BSP, SSP(s) and ASP;
 * {@link io.sparkps.core.clock.RunClock} is the scheduler's per-run state that gates workers.
 *
 * <p>Threading: {@code RunClock} is not thread-safe and never reads a clock; the scheduler calls
 * it under its lock with the time from its injected ticker. Waiting is expressed as futures,
 * completed when the slowest worker advances through an {@link io.sparkps.core.clock.Effects}
 * that the scheduler runs after releasing its lock. No Netty here.
 */
package io.sparkps.core.clock;
