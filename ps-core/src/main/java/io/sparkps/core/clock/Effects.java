package io.sparkps.core.clock;

import static io.sparkps.core.check.Checks.requireState;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a section under a lock decided to do to the outside world (futures to complete, messages
 * to send), collected while the lock is held and run by {@link #run()} after it is released.
 * Completing a future runs its callbacks, which may reply on a connection or take other locks: done
 * under the lock, one worker's clock would answer the others while every other request waits.
 * {@code run()} refuses to run while the current thread holds the guard, so the rule holds by
 * construction. Not thread-safe: one locked section fills it, the same thread runs it.
 */
public final class Effects {

  private static final Logger LOG = LoggerFactory.getLogger(Effects.class);

  private final Object guard;
  private final List<Runnable> effects = new ArrayList<>();

  /** Collects effects of sections locked on {@code guard}; they must run without holding it. */
  public Effects(Object guard) {
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  /** Completes {@code future} with {@code value} when the effects run. */
  public <T> void complete(CompletableFuture<T> future, T value) {
    effects.add(() -> future.complete(value));
  }

  /** Fails {@code future} with {@code error} when the effects run. */
  public void fail(CompletableFuture<?> future, Throwable error) {
    effects.add(() -> future.completeExceptionally(error));
  }

  /** Runs {@code effect} (a reply, a send) when the effects run. */
  public void add(Runnable effect) {
    effects.add(Objects.requireNonNull(effect, "effect"));
  }

  /** Whether nothing was collected. */
  public boolean isEmpty() {
    return effects.isEmpty();
  }

  /**
   * Runs the collected effects in the order they were added, each guarded on its own so one
   * throwing callback cannot keep the rest from running, then forgets them.
   *
   * @throws IllegalStateException when the current thread holds the guard
   */
  public void run() {
    requireState(!Thread.holdsLock(guard), "effects must run after the lock is released: %s effects pending",
        effects.size());
    List<Runnable> now = new ArrayList<>(effects);
    effects.clear();
    for (Runnable r : now) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("An effect collected under the lock failed", e);
      }
    }
  }
}
